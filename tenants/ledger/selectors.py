"""Reads of the ledger: balances are always computed from the lines, never stored."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from .memos import memo_display
from .models import DEBIT_NORMAL, Account, AccountKind, JournalLine


def account_balances(account: Account) -> dict[str, Decimal]:
    """Balance per currency in the account's natural sign (assets debit-positive, others credit-positive)."""
    rows = JournalLine.objects.filter(account=account).values("currency").annotate(total=Sum("amount"))
    sign = 1 if account.kind in DEBIT_NORMAL else -1
    return {row["currency"]: sign * row["total"] for row in rows.order_by("currency")}


def activity_balances(activity_id: int) -> dict[str, Decimal]:
    """What the activity has available, per currency: income credited minus what left it."""
    rows = (
        JournalLine.objects.filter(account__kind=AccountKind.ACTIVITY, account__activity_id=activity_id)
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    return {row["currency"]: -row["total"] for row in rows}


def activity_balance(activity_id: int, currency: str) -> Decimal:
    return activity_balances(activity_id).get(currency, Decimal("0.00"))


def trial_balance() -> dict[str, dict[str, Decimal]]:
    """Per currency, the debit-positive total of every account; each currency sums to exactly zero."""
    rows = (
        JournalLine.objects.values("currency", "account__code")
        .annotate(total=Sum("amount"))
        .order_by("currency", "account__code")
    )
    result: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in rows:
        result[row["currency"]][row["account__code"]] = row["total"]
    return dict(result)


@dataclass(frozen=True)
class StatementLine:
    date: date
    kind: str
    description: str
    memo: str
    amount: Decimal  # positive: into the activity
    currency: str
    balance: Decimal


def activity_statement(activity_id: int) -> list[StatementLine]:
    lines = (
        JournalLine.objects.filter(account__kind=AccountKind.ACTIVITY, account__activity_id=activity_id)
        .select_related("entry")
        .order_by("entry__date", "entry_id", "id")
    )
    running: dict[str, Decimal] = defaultdict(Decimal)
    statement = []
    for line in lines:
        running[line.currency] += -line.amount
        statement.append(
            StatementLine(
                date=line.entry.date,
                kind=line.entry.get_kind_display(),
                description=line.entry.description,
                memo=memo_display(line.memo),
                amount=-line.amount,
                currency=line.currency,
                balance=running[line.currency],
            )
        )
    return statement


def activity_levy_paid(activity_id: int) -> dict[str, Decimal]:
    """The single percentage the activity has paid, per currency (net of credit notes)."""
    rows = (
        JournalLine.objects.filter(account__kind=AccountKind.LEVY_INCOME, activity_id=activity_id)
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    return {row["currency"]: -row["total"] for row in rows}
