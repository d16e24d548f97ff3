"""Financing pages: the financing team on the group domain, an entity's staff on its subdomain."""

from __future__ import annotations

import csv
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_tenants.utils import tenant_context

from config.errors import PlatformError
from shared_services.access import entity_of, team_required
from shared_services.models import Pool, Team
from shared_services.selectors import pool_balances
from tenants.ledger import financing_port as port
from tenants.web import refuse

from . import services
from .forms import AdvanceRequestForm, DecisionForm, LoanRequestForm
from .models import EquipmentLoan, SubsidyAdvance

financing_team = team_required(Team.FINANCING)

EXIT_LABELS = {
    "wages_fees_authors_rights": gettext_lazy("Wages, fees and author's rights"),
    "expense_refunds": gettext_lazy("Expense refunds"),
    "levy": gettext_lazy("Single percentage (levy)"),
    "income_given_back": gettext_lazy("Income given back (credit notes)"),
    "loan_repayments": gettext_lazy("Equipment loan instalments"),
    "corrections": gettext_lazy("Corrections (reversals)"),
}


# --- Group domain ------------------------------------------------------------------------------------------


@financing_team
@require_safe
def team_home(request: HttpRequest) -> HttpResponse:
    context = {
        "balances": sorted(pool_balances(pool=Pool.FINANCING).items()),
        "advances": SubsidyAdvance.objects.select_related("entity")[:300],
        "loans": EquipmentLoan.objects.select_related("entity")[:300],
        "decision_form": DecisionForm(),
    }
    return render(request, "financing/team_home.html", context)


def _decide(request: HttpRequest, decide: Any, obj: Any, **ids: Any) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("financing_team_home")
    try:
        with tenant_context(obj.entity):
            decide(**ids, approve=form.cleaned_data["approve"], on=timezone.localdate(), by=request.user.get_username())
    except PlatformError as error:
        messages.error(request, str(error.message))
        return redirect("financing_team_home")
    messages.success(request, _("Decision recorded."))
    return redirect("financing_team_home")


@financing_team
@require_POST
def team_advance_decide(request: HttpRequest, advance_id: uuid.UUID) -> HttpResponse:
    advance = get_object_or_404(SubsidyAdvance, public_id=advance_id)
    return _decide(request, services.advance_decide, advance, advance_id=advance.public_id)


@financing_team
@require_POST
def team_loan_decide(request: HttpRequest, loan_id: uuid.UUID) -> HttpResponse:
    loan = get_object_or_404(EquipmentLoan, public_id=loan_id)
    return _decide(request, services.loan_decide, loan, loan_id=loan.public_id)


@financing_team
@require_safe
def team_loan(request: HttpRequest, loan_id: uuid.UUID) -> HttpResponse:
    loan = get_object_or_404(EquipmentLoan.objects.select_related("entity"), public_id=loan_id)
    return render(request, "financing/loan_detail.html", {"loan": loan, "team": True})


# --- An entity's subdomain ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def entity_home(request: HttpRequest) -> HttpResponse:
    entity = entity_of(request)
    grants = port.grants_open()
    activities = port.activities()
    advance_form = AdvanceRequestForm(
        request.POST if "grant" in request.POST else None,
        grants=[(str(g.invoice_id), f"{g.number} · {g.funder_name} · {g.due} {g.currency}") for g in grants],
    )
    loan_form = LoanRequestForm(
        request.POST if "activity" in request.POST else None,
        activities=[(str(a.activity_id), a.name) for a in activities],
    )
    status = 200
    if request.method == "POST":
        status = 400
        by = request.user.get_username()
        form = advance_form if "grant" in request.POST else loan_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is advance_form:
                    services.advance_request(grant_id=uuid.UUID(data["grant"]), amount=data["amount"], by=by)
                else:
                    services.loan_request(
                        activity_id=uuid.UUID(data["activity"]),
                        purpose=data["purpose"],
                        principal=data["principal"],
                        annual_rate=data["annual_rate"],
                        months=data["months"],
                        first_due_on=data["first_due_on"],
                        by=by,
                    )
            except PlatformError as error:
                status = refuse(form, error)
            else:
                messages.success(request, _("The request was sent to the financing team."))
                return redirect("financing_entity_home")
    context = {
        "grants": grants,
        "advances": SubsidyAdvance.objects.filter(entity=entity),
        "loans": EquipmentLoan.objects.filter(entity=entity),
        "advance_form": advance_form,
        "loan_form": loan_form,
    }
    return render(request, "financing/entity_home.html", context, status=status)


@login_required
@require_safe
def entity_loan(request: HttpRequest, loan_id: uuid.UUID) -> HttpResponse:
    loan = get_object_or_404(EquipmentLoan, public_id=loan_id, entity=entity_of(request))
    return render(request, "financing/loan_detail.html", {"loan": loan, "team": False})


@login_required
@require_safe
def entity_use_of_funds(request: HttpRequest, activity_id: uuid.UUID, fmt: str = "html") -> HttpResponse:
    entity_of(request)
    try:
        report = services.use_of_funds(activity_id=activity_id)
    except LookupError as missing:
        raise Http404 from missing
    rows = [(str(EXIT_LABELS[name]), total, report.entries[name]) for name, total in sorted(report.groups.items())]
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="use-of-funds.csv"'
        writer = csv.writer(response)
        writer.writerow([_("Way out"), _("Total"), _("Entries"), _("Currency")])
        for label, total, count in rows:
            writer.writerow([label, total, count, report.currency])
        writer.writerow([_("Any other way"), report.other, 0, report.currency])
        return response
    return render(request, "financing/use_of_funds.html", {"report": report, "rows": rows, "activity_id": activity_id})
