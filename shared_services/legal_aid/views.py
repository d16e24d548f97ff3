"""Legal-aid pages. The legal team (group domain) reads and works on cases, each read logged; an
entity's staff (its subdomain) request help and see their own cases without any of their content."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from config.errors import PlatformError
from shared_services.access import entity_of, team_required
from shared_services.models import Team
from tenants.web import refuse

from . import services
from .forms import CaseFilterForm, CaseRequestForm, CaseTransitionForm, CaseWorkForm
from .models import CaseDeadline, CaseDocument, CaseStatus, LegalCase

legal_team = team_required(Team.LEGAL)


def _log(request: HttpRequest, case: LegalCase, what: str) -> None:
    services.case_read_log(
        case=case,
        user_id=int(request.user.pk or 0),
        username=request.user.get_username(),
        what=what,
        ip=request.META.get("REMOTE_ADDR"),
    )


@legal_team
@require_safe
def team_cases(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET)
    cases: QuerySet[LegalCase] = LegalCase.objects.select_related("entity")
    if form.is_valid():
        if form.cleaned_data["status"]:
            cases = cases.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["area"]:
            cases = cases.filter(area=form.cleaned_data["area"])
    deadlines = CaseDeadline.objects.filter(done_at__isnull=True).exclude(case__status=CaseStatus.CLOSED)
    context = {
        "filter_form": form,
        "cases": cases[:300],
        "deadlines": deadlines.select_related("case")[:50],
    }
    return render(request, "legal_aid/team_cases.html", context)


def _work(request: HttpRequest, case: LegalCase, form: CaseWorkForm) -> None:
    data, by = form.cleaned_data, request.user.get_username()
    action = data["action"]
    if action == "summary":
        services.case_summary_set(case=case, summary=data["summary"])
    elif action == "party":
        services.case_party_add(case=case, name=data["party_name"], role=data["party_role"])
    elif action == "deadline":
        services.case_deadline_add(case=case, due_on=data["due_on"], description=data["description"])
    elif action == "note":
        services.case_note_add(case=case, text=data["note"], by=by)
    elif action == "document":
        services.case_document_add(case=case, upload=data["file"], by=by)
    elif action == "deadline_done":
        services.case_deadline_done(deadline=get_object_or_404(CaseDeadline, pk=data["deadline"], case=case))


@legal_team
@require_http_methods(["GET", "HEAD", "POST"])
def team_case(request: HttpRequest, case_id: uuid.UUID) -> HttpResponse:
    case = get_object_or_404(LegalCase.objects.select_related("entity"), public_id=case_id)
    work = CaseWorkForm(request.POST or None, request.FILES or None) if "action" in request.POST else CaseWorkForm()
    transition = CaseTransitionForm(request.POST or None) if "to" in request.POST else CaseTransitionForm()
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if "to" in request.POST and transition.is_valid():
                data = transition.cleaned_data
                services.case_transition(
                    case=case,
                    to=data["to"],
                    outcome=data["outcome"],
                    outcome_note=data["outcome_note"],
                    by=request.user.get_username(),
                )
                return redirect("legal_team_case", case_id=case.public_id)
            if "action" in request.POST and work.is_valid():
                _work(request, case, work)
                messages.success(request, _("Saved."))
                return redirect("legal_team_case", case_id=case.public_id)
        except PlatformError as error:
            status = refuse(transition if "to" in request.POST else work, error)
    _log(request, case, "case")
    context = {"case": case, "work": work, "transition": transition, "log": case.access_log.all()[:100]}
    return render(request, "legal_aid/team_case.html", context, status=status)


@legal_team
@require_safe
def team_document(request: HttpRequest, case_id: uuid.UUID, document_id: uuid.UUID) -> FileResponse:
    document = get_object_or_404(CaseDocument, public_id=document_id, case__public_id=case_id)
    _log(request, document.case, f"document {document.name}")
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


# --- An entity's subdomain: existence and status only ------------------------------------------------


@login_required
@require_safe
def entity_cases(request: HttpRequest) -> HttpResponse:
    entity = entity_of(request)
    # Only the content-free columns leave the database for an entity's pages.
    cases = LegalCase.objects.filter(entity=entity).only(
        "public_id", "reference", "kind", "area", "status", "opened_on", "closed_on", "outcome"
    )
    return render(request, "legal_aid/entity_cases.html", {"cases": cases})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entity_case_request(request: HttpRequest) -> HttpResponse:
    from tenants.members.legal_port import members_list

    entity = entity_of(request)
    choices = [(str(m.member_id), m.display_name) for m in members_list()]
    form = CaseRequestForm(request.POST or None, members=choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_request(
                    entity=entity,
                    member_ids=[uuid.UUID(value) for value in data["members"]],
                    kind=data["kind"],
                    area=data["area"],
                    request=data["request"],
                    by=request.user.get_username(),
                )
            except PlatformError as error:
                status = refuse(form, error)
            else:
                messages.success(
                    request,
                    _("Case %(reference)s was sent to the legal team, who will contact the member.")
                    % {"reference": case.reference},
                )
                return redirect("legal_entity_cases")
    return render(request, "legal_aid/entity_request.html", {"form": form}, status=status)
