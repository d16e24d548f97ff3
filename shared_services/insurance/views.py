"""Insurance pages: the insurance team on the group domain; an entity's staff for their own members."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from config.errors import PlatformError
from shared_services.access import entity_of, team_required
from shared_services.models import Team
from tenants.registry.models import Entity
from tenants.web import refuse

from . import services
from .forms import ClaimDocumentForm, ClaimFilterForm, ClaimReportForm, ClaimTransitionForm
from .models import Claim, ClaimDocument, Coverage, InsurancePolicy

insurance_team = team_required(Team.INSURANCE)


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    safe = "".join(ch for ch in name if ch.isalnum() or ch in " -_").strip().replace(" ", "-") or "certificate"
    response["Content-Disposition"] = f'attachment; filename="insurance-{safe}.pdf"'
    return response


def _download(document: ClaimDocument) -> FileResponse:
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


# --- Group domain --------------------------------------------------------------------------------------


@insurance_team
@require_safe
def team_home(request: HttpRequest) -> HttpResponse:
    form = ClaimFilterForm(request.GET)
    claims = Claim.objects.select_related("entity", "coverage__policy")
    coverages = Coverage.objects.none()
    if form.is_valid():
        claims = services.claim_filter(claims, form.cleaned_data["status"])
        if form.cleaned_data["q"]:
            coverages = Coverage.objects.filter(member_name__icontains=form.cleaned_data["q"]).select_related(
                "entity", "policy"
            )[:100]
    context = {
        "policies": InsurancePolicy.objects.all(),
        "claims": claims[:200],
        "coverages": coverages,
        "filter_form": form,
    }
    return render(request, "insurance/team_home.html", context)


@insurance_team
@require_http_methods(["GET", "HEAD", "POST"])
def team_claim(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.select_related("entity", "coverage__policy"), public_id=claim_id)
    form = ClaimTransitionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_transition(
                claim=claim, to=form.cleaned_data["to"], note=form.cleaned_data["note"], by=request.user.get_username()
            )
        except PlatformError as error:
            status = refuse(form, error)
        else:
            messages.success(request, _("The claim's status was changed."))
            return redirect("insurance_team_claim", claim_id=claim.public_id)
    elif request.method == "POST":
        status = 400
    return render(request, "insurance/claim_detail.html", {"claim": claim, "form": form, "team": True}, status=status)


@insurance_team
@require_safe
def team_document(request: HttpRequest, claim_id: uuid.UUID, document_id: uuid.UUID) -> FileResponse:
    return _download(get_object_or_404(ClaimDocument, public_id=document_id, claim__public_id=claim_id))


@insurance_team
@require_safe
def team_certificate(request: HttpRequest, entity_slug: str, member_id: uuid.UUID) -> HttpResponse:
    entity = get_object_or_404(Entity, slug=entity_slug)
    result = services.certificate_pdf(entity=entity, member_id=member_id)
    if result is None:
        raise Http404
    return _pdf(*result)


# --- An entity's subdomain -------------------------------------------------------------------------------


@login_required
@require_safe
def entity_home(request: HttpRequest) -> HttpResponse:
    entity = entity_of(request)
    coverages = Coverage.objects.filter(entity=entity).select_related("policy")[:300]
    claims = Claim.objects.filter(entity=entity).select_related("coverage")
    members = sorted({(c.member_id, c.member_name) for c in coverages}, key=lambda item: item[1])
    return render(request, "insurance/entity_home.html", {"coverages": coverages, "claims": claims, "members": members})


@login_required
@require_safe
def entity_certificate(request: HttpRequest, member_id: uuid.UUID) -> HttpResponse:
    result = services.certificate_pdf(entity=entity_of(request), member_id=member_id)
    if result is None:
        raise Http404
    return _pdf(*result)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entity_claim_create(request: HttpRequest) -> HttpResponse:
    entity = entity_of(request)
    coverages = Coverage.objects.filter(entity=entity).select_related("policy")
    form = ClaimReportForm(request.POST or None, coverages=coverages)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = services.claim_report(
                    entity=entity,
                    coverage=data["coverage"],
                    occurred_on=data["occurred_on"],
                    description=data["description"],
                    amount=data["amount"],
                    by=request.user.get_username(),
                )
            except PlatformError as error:
                status = refuse(form, error)
            else:
                messages.success(request, _("The claim was reported to the insurance team."))
                return redirect("insurance_entity_claim", claim_id=claim.public_id)
    return render(request, "insurance/claim_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entity_claim(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    entity = entity_of(request)
    claim = get_object_or_404(Claim.objects.select_related("coverage__policy"), public_id=claim_id, entity=entity)
    form = ClaimDocumentForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.claim_document_add(
                    claim=claim, upload=form.cleaned_data["file"], by=request.user.get_username()
                )
            except PlatformError as error:
                status = refuse(form, error)
            else:
                messages.success(request, _("The document was added to the claim."))
                return redirect("insurance_entity_claim", claim_id=claim.public_id)
    return render(request, "insurance/claim_detail.html", {"claim": claim, "form": form, "team": False}, status=status)


@login_required
@require_safe
def entity_document(request: HttpRequest, claim_id: uuid.UUID, document_id: uuid.UUID) -> FileResponse:
    document = get_object_or_404(
        ClaimDocument, public_id=document_id, claim__public_id=claim_id, claim__entity=entity_of(request)
    )
    return _download(document)
