"""Referral pages on an entity's subdomain (partners work through the partner API)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import PlatformError
from shared_services.access import entity_of
from tenants.web import refuse

from . import services
from .forms import ReferralForm
from .models import Referral


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
