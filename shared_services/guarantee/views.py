"""Pages of the salary guarantee fund: the fund's team on the group domain, an entity's staff on its
subdomain (their own wages, invoices and exposure only)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_tenants.utils import tenant_context

from config.errors import PlatformError
from shared_services.access import entity_of, team_required
from shared_services.models import Team
from tenants.web import refuse

from . import selectors, services
from .forms import ClaimSettleForm, MovementFilterForm
from .models import FundLimit, FundMovement, MovementKind, MovementStatus

fund_team = team_required(Team.GUARANTEE_FUND)


@fund_team
@require_safe
def fund_home(request: HttpRequest) -> HttpResponse:
    context = {
        "positions": selectors.fund_positions(),
        "by_entity": selectors.exposure_by("entity"),
        "by_client": selectors.exposure_by("client")[:50],
        "by_activity": selectors.exposure_by("activity")[:50],
        "limits": FundLimit.objects.select_related("entity"),
    }
    return render(request, "guarantee/fund_home.html", context)


@fund_team
@require_safe
def movement_list(request: HttpRequest) -> HttpResponse:
    form = MovementFilterForm(request.GET)
    kind = status = ""
    if form.is_valid():
        kind, status = form.cleaned_data["kind"], form.cleaned_data["status"]
    rows = selectors.movements(kind=kind, status=status)
    return render(request, "guarantee/movement_list.html", {"filter_form": form, "movements": rows})


def _settle_forms(
    claims: list[tuple[FundMovement, Decimal]],
) -> list[tuple[FundMovement, Decimal, ClaimSettleForm]]:
    today = timezone.localdate()
    return [(cover, left, ClaimSettleForm(initial={"on": today, "amount": left})) for cover, left in claims]


@fund_team
@require_safe
def claim_list(request: HttpRequest) -> HttpResponse:
    rows = _settle_forms(list(selectors.claims_open()))
    return render(request, "guarantee/claim_list.html", {"claims": rows})


@fund_team
@require_POST
def claim_settle(request: HttpRequest, cover_id: uuid.UUID) -> HttpResponse:
    cover = get_object_or_404(FundMovement, public_id=cover_id, kind=MovementKind.COVER, status=MovementStatus.EXECUTED)
    form = ClaimSettleForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        settle = services.claim_recover if data["action"] == MovementKind.RECOVERY else services.claim_write_off
        assert cover.subject_id is not None
        try:
            with tenant_context(cover.entity):
                settle(
                    invoice_id=cover.subject_id,
                    amount=data["amount"],
                    on=data["on"],
                    request_key=str(data["request_key"]),
                    by=request.user.get_username(),
                )
        except PlatformError as error:
            status = refuse(form, error)
        else:
            messages.success(request, _("Recorded."))
            return redirect("guarantee_claim_list")
    claims = [(c, left, form if c.pk == cover.pk else f) for c, left, f in _settle_forms(selectors.claims_open())]
    return render(request, "guarantee/claim_list.html", {"claims": claims}, status=status)


# --- An entity's subdomain -------------------------------------------------------------------------


@login_required
@require_safe
def entity_guarantee(request: HttpRequest) -> HttpResponse:
    entity = entity_of(request)
    today = timezone.localdate()
    wages, invoices = selectors.entity_states(on=today)
    context = {
        "wages": wages,
        "invoices": invoices,
        "exposure": selectors.exposure_by("entity", entity_id=entity.pk),
        "movements": selectors.movements(entity_id=entity.pk)[:100],
        "today": today,
    }
    return render(request, "guarantee/entity_guarantee.html", context)


@login_required
@require_POST
def entity_wage_pay(request: HttpRequest, contract_id: uuid.UUID) -> HttpResponse:
    entity_of(request)
    try:
        movement = services.guarantee_wage_pay(
            contract_id=contract_id, on=timezone.localdate(), by=request.user.get_username()
        )
    except PlatformError as error:
        messages.error(request, str(error.message))
        return redirect("guarantee_entity")
    except LookupError as missing:  # no such contract in this entity
        raise Http404 from missing
    if movement is None:
        messages.success(request, _("The wage was paid from the activity's own funds."))
    else:
        messages.success(
            request,
            _("The wage is being paid; the guarantee fund advances %(amount)s %(currency)s.")
            % {"amount": movement.amount, "currency": movement.currency},
        )
    return redirect("guarantee_entity")


@login_required
@require_POST
def entity_run(request: HttpRequest) -> HttpResponse:
    entity_of(request)
    result = services.guarantee_wages_run(on=timezone.localdate())
    messages.success(
        request,
        _("Due wages: %(paid)s paid from the activities, %(advanced)s advanced by the fund, %(refused)s refused.")
        % result,
    )
    return redirect("guarantee_entity")
