"""Staff pages of the contracts: list, detail, payment, exports."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST, require_safe

from config.errors import PlatformError
from tenants.exports import export_response
from tenants.web import refuse

from . import services
from .forms import ContractFilterForm, ContractPayForm
from .models import Contract

PAGE_SIZE = 25


def _filtered(request: HttpRequest) -> tuple[ContractFilterForm, QuerySet[Contract]]:
    form = ContractFilterForm(request.GET)
    return form, form.filter(Contract.objects.select_related("member", "activity"))


@login_required
@require_safe
def contract_list(request: HttpRequest) -> HttpResponse:
    form, contracts = _filtered(request)
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "payroll/contract_list.html", {"filter_form": form, "page_obj": page})


def _contract_page(
    request: HttpRequest, contract: Contract, *, pay_form: ContractPayForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "contract": contract,
        "declarations": contract.declarations.select_related("invoice"),
        "pay_form": pay_form or ContractPayForm(initial={"paid_on": timezone.localdate()}),
    }
    return render(request, "payroll/contract_detail.html", context, status=status)


def _contract(contract_id: uuid.UUID) -> Contract:
    return get_object_or_404(Contract.objects.select_related("member", "activity"), public_id=contract_id)


@login_required
@require_safe
def contract_detail(request: HttpRequest, contract_id: uuid.UUID) -> HttpResponse:
    return _contract_page(request, _contract(contract_id))


@login_required
@require_POST
def contract_pay(request: HttpRequest, contract_id: uuid.UUID) -> HttpResponse:
    contract = _contract(contract_id)
    form = ContractPayForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.contract_pay(contract=contract, on=form.cleaned_data["paid_on"], by=request.user.get_username())
        except PlatformError as error:
            status = refuse(form, error)
        else:
            messages.success(
                request,
                _("%(cost)s %(currency)s were paid for this contract.")
                % {"cost": contract.employer_cost, "currency": contract.currency},
            )
            return redirect("contract_detail", contract_id=contract.public_id)
    return _contract_page(request, contract, pay_form=form, status=status)


EXPORT_HEADERS = [
    gettext_lazy("Kind"),
    gettext_lazy("Member"),
    gettext_lazy("Activity"),
    gettext_lazy("Starts on"),
    gettext_lazy("Ends on"),
    gettext_lazy("Country of the performance"),
    gettext_lazy("Currency"),
    gettext_lazy("Gross amount"),
    gettext_lazy("Employer-cost coefficient"),
    gettext_lazy("Cost to the activity"),
    gettext_lazy("Status"),
    gettext_lazy("Paid on"),
]


@login_required
@require_GET  # a download (see tenants.exports)
def contract_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _form, contracts = _filtered(request)
    rows = (
        [
            c.get_kind_display(),
            c.member.display_name,
            c.activity.name,
            c.starts_on,
            c.ends_on,
            c.country,
            c.currency,
            c.gross,
            c.coefficient,
            c.employer_cost,
            c.get_status_display(),
            c.paid_on,
        ]
        for c in contracts.iterator(chunk_size=500)
    )
    return export_response(
        fmt, filename="contracts", title=gettext_lazy("Contracts"), headers=EXPORT_HEADERS, rows=rows
    )
