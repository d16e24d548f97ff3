"""Referral pages: an entity's staff on its subdomain; on the group domain, the financing team (referrals
are part of C8) reads the partners' webhook endpoints and delivery log and sends a failed delivery
again. Partners work through the partner API."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.errors import PlatformError
from shared_services.access import entity_of, team_required
from shared_services.models import Team
from tenants.web import refuse

from . import selectors, services
from .forms import ReferralForm
from .models import DeliveryStatus, Referral

referrals_team = team_required(Team.FINANCING)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entity_referrals(request: HttpRequest) -> HttpResponse:
    from tenants.members.referral_port import members

    entity = entity_of(request)
    form = ReferralForm(request.POST or None, members=[(str(m.member_id), m.display_name) for m in members()])
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.referral_create(
                    partner=data["partner"],
                    member_id=uuid.UUID(data["member"]),
                    project=data["project"],
                    consent_fields=data["consent_fields"],
                    consent_given=data["consent_given"],
                    by=request.user.get_username(),
                )
            except PlatformError as error:
                status = refuse(form, error, aliases={"consent": "consent_given"})
            else:
                messages.success(request, _("The project was referred to the partner."))
                return redirect("referral_list")
    referrals = Referral.objects.filter(entity=entity).select_related("partner", "consent")
    return render(request, "referrals/entity_referrals.html", {"form": form, "referrals": referrals}, status=status)


@login_required
@require_POST
def entity_referral_revoke(request: HttpRequest, referral_id: uuid.UUID) -> HttpResponse:
    referral = get_object_or_404(Referral, public_id=referral_id, entity=entity_of(request))
    services.consent_revoke(referral=referral, by=request.user.get_username())
    messages.success(request, _("Consent revoked: the partner no longer sees this referral."))
    return redirect("referral_list")


# --- Group domain: the partners' webhooks -------------------------------------------------------------------


@referrals_team
@require_safe
def team_webhooks(request: HttpRequest) -> HttpResponse:
    wanted = request.GET.get("status", "")
    status = 200
    try:
        deliveries = selectors.webhook_deliveries_for_team(status=wanted or None)
    except PlatformError as error:
        messages.error(request, str(error.message))
        deliveries, status = [], 400
    context = {
        "endpoints": selectors.webhook_endpoints_for_team(),
        "deliveries": deliveries,
        "statuses": DeliveryStatus.choices,
        "wanted": wanted,
    }
    return render(request, "referrals/team_webhooks.html", context, status=status)


@referrals_team
@require_safe
def team_delivery(request: HttpRequest, delivery_id: uuid.UUID) -> HttpResponse:
    try:
        delivery = selectors.webhook_delivery_for_team(delivery_id)
    except PlatformError:
        raise Http404 from None
    return render(request, "referrals/team_delivery.html", {"delivery": delivery})


@referrals_team
@require_POST
def team_delivery_redeliver(request: HttpRequest, delivery_id: uuid.UUID) -> HttpResponse:
    try:
        services.webhook_redeliver(partner=None, delivery_id=delivery_id, by=request.user.get_username())
    except PlatformError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The delivery will be sent again."))
    return redirect("referral_team_delivery", delivery_id=delivery_id)
