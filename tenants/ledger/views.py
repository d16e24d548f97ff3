"""Staff pages of the ledger: the trial balance and each activity's statement (with exports)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_safe

from tenants.activities.models import Activity
from tenants.exports import export_response

from . import selectors
from .models import Account

STATEMENT_PAGE_SIZE = 100


@dataclass(frozen=True)
class TrialBalanceRow:
    code: str
    name: str
    kind: str
    activity: Activity | None
    debit: Decimal | None
    credit: Decimal | None


@dataclass(frozen=True)
class TrialBalanceBlock:
    currency: str
    rows: list[TrialBalanceRow]
    total_debit: Decimal
    total_credit: Decimal


def _trial_balance_blocks() -> list[TrialBalanceBlock]:
    accounts = {account.code: account for account in Account.objects.select_related("activity")}
    blocks = []
    for currency, totals in selectors.trial_balance().items():
        rows = []
        for code, total in totals.items():
            account = accounts[code]
            rows.append(
                TrialBalanceRow(
                    code=code,
                    name=account.activity.name if account.activity else str(account.get_kind_display()),
                    kind=account.kind,
                    activity=account.activity,
                    debit=total if total > 0 else None,
                    credit=-total if total < 0 else None,
                )
            )
        blocks.append(
            TrialBalanceBlock(
                currency=currency,
                rows=rows,
                total_debit=sum((row.debit for row in rows if row.debit), Decimal("0.00")),
                total_credit=sum((row.credit for row in rows if row.credit), Decimal("0.00")),
            )
        )
    return blocks


@login_required
@require_safe
def trial_balance(request: HttpRequest) -> HttpResponse:
    return render(request, "ledger/trial_balance.html", {"blocks": _trial_balance_blocks()})


@login_required
@require_safe
def activity_statement(request: HttpRequest, activity_id: uuid.UUID) -> HttpResponse:
    activity = get_object_or_404(Activity, public_id=activity_id)
    lines = selectors.activity_statement(activity.pk)
    page = Paginator(lines, STATEMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"activity": activity, "page_obj": page, "balances": selectors.activity_balances(activity.pk)}
    return render(request, "ledger/activity_statement.html", context)


STATEMENT_HEADERS = [
    gettext_lazy("Date"),
    gettext_lazy("Kind"),
    gettext_lazy("Description"),
    gettext_lazy("Memo"),
    gettext_lazy("Currency"),
    gettext_lazy("Amount"),
    gettext_lazy("Balance"),
]


@login_required
@require_GET  # a download (see tenants.exports)
def activity_statement_export(request: HttpRequest, activity_id: uuid.UUID, fmt: str) -> HttpResponse:
    activity = get_object_or_404(Activity, public_id=activity_id)
    rows = (
        [line.date, line.kind, line.description, line.memo, line.currency, line.amount, line.balance]
        for line in selectors.activity_statement(activity.pk)
    )
    return export_response(
        fmt,
        filename=f"statement-{activity.public_id}",
        title=gettext_lazy("Statement"),
        headers=STATEMENT_HEADERS,
        rows=rows,
    )
