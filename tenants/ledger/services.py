"""Posting to the ledger. Every money movement of the entity goes through ``entry_post``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from . import errors
from .models import Account, AccountKind, EntryKind, JournalEntry, JournalLine, OutboxEvent
from .money import round_amount

# Entry kinds allowed to debit an activity account (money leaving it, or income corrected).
# Outflows are exactly the three of the model: wages or fees and author's rights (contracts) and
# expense refunds; the others only move the levy or correct income.
ACTIVITY_DEBIT_KINDS = frozenset(
    {
        EntryKind.CONTRACT_SIGNED,  # wages, fees, author's rights
        # Wages too: under an open-ended contract (payroll smoothing) the activity pays the wage cost
        # into the member's smoothing reserve, from which the monthly salary is paid. It is the
        # activity's wage outflow, only paid ahead of the payslip; nothing else may use this kind.
        EntryKind.SMOOTHING_FUNDED,
        EntryKind.EXPENSE_APPROVED,  # expense refunds
        EntryKind.INVOICE_ISSUED,  # the levy on the invoice
        EntryKind.FUNDING_GRANTED,  # the levy on the funding agreement
        EntryKind.CREDIT_NOTE_ISSUED,  # income given back to the client
        # An equipment loan is paid back from the activity's budget (financing, C8): the activity
        # returns borrowed money, it does not pay anyone; nothing else may use this kind.
        EntryKind.EQUIPMENT_LOAN_REPAYMENT,
        EntryKind.REVERSAL,
    }
)

_FIXED_ACCOUNTS = [
    (AccountKind.BANK, "1000", "Bank"),
    (AccountKind.CLIENT_RECEIVABLE, "1100", "Client receivables"),
    (AccountKind.FUNDER_RECEIVABLE, "1150", "Funder receivables"),
    (AccountKind.VAT_PAYABLE, "2100", "VAT payable"),
    (AccountKind.WAGES_PAYABLE, "2200", "Wages and fees payable"),
    (AccountKind.AUTHORS_RIGHTS_PAYABLE, "2250", "Author's rights payable"),
    (AccountKind.SMOOTHING_RESERVE, "2260", "Smoothing reserve (open-ended contracts)"),
    (AccountKind.MEMBER_PAYABLE, "2300", "Expense refunds payable"),
    (AccountKind.GUARANTEE_FUND_CONTRIBUTION, "2400", "Guarantee fund contribution"),
    (AccountKind.GUARANTEE_ADVANCE_PAYABLE, "2410", "Advances from the guarantee fund"),
    (AccountKind.SUBSIDY_ADVANCE_PAYABLE, "2420", "Advances on granted subsidies"),
    (AccountKind.LEVY_INCOME, "7000", "Levy income (single percentage)"),
]


@dataclass(frozen=True)
class Posting:
    account: Account
    amount: Decimal  # debit > 0, credit < 0
    currency: str
    activity_id: int | None = None
    memo: str = ""


def ledger_provision() -> None:
    """The entity's chart of accounts (run inside the entity's schema when it is created)."""
    for kind, code, name in _FIXED_ACCOUNTS:
        Account.objects.get_or_create(kind=kind, defaults={"code": code, "name": name})


def account(kind: AccountKind) -> Account:
    return Account.objects.get(kind=kind)


def activity_account_create(*, activity_id: int, name: str) -> Account:
    return Account.objects.create(
        kind=AccountKind.ACTIVITY, activity_id=activity_id, code=f"A{activity_id:07d}", name=name[:200]
    )


def _clean(postings: Iterable[Posting]) -> list[Posting]:
    cleaned = []
    for posting in postings:
        if not isinstance(posting.amount, Decimal):
            raise errors.catalog.error(errors.NOT_DECIMAL)
        amount = round_amount(posting.amount, posting.currency)
        if amount != 0:
            cleaned.append(Posting(posting.account, amount, posting.currency, posting.activity_id, posting.memo))
    return cleaned


def entry_post(
    *,
    kind: EntryKind,
    on: date,
    description: str,
    source: str,
    postings: Iterable[Posting],
    posted_by: str = "",
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Post one balanced entry and its outbox event, in one transaction (the database re-checks the
    balance at commit and refuses any later change)."""
    lines = _clean(postings)
    if len(lines) < 2:
        raise errors.catalog.error(errors.TOO_FEW_LINES)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.currency] += line.amount
        if line.account.kind == AccountKind.ACTIVITY and line.amount > 0 and kind not in ACTIVITY_DEBIT_KINDS:
            raise errors.catalog.error(errors.FORBIDDEN_OUTFLOW, kind=kind)
    for currency, total in sorted(totals.items()):
        if total != 0:
            raise errors.catalog.error(errors.UNBALANCED, currency=currency, off_by=total)
    with transaction.atomic():
        entry = JournalEntry.objects.create(
            kind=kind, date=on, description=description[:300], source=source, posted_by=posted_by, reverses=reverses
        )
        activities = _activities(lines)
        JournalLine.objects.bulk_create(
            JournalLine(
                entry=entry,
                account=line.account,
                amount=line.amount,
                currency=line.currency,
                activity_id=line.activity_id,
                activity_stage=activities[line.activity_id][1] if line.activity_id else "",
                memo=line.memo[:200],
            )
            for line in lines
        )
        OutboxEvent.objects.create(kind="ledger.entry_posted", payload=_event_payload(entry, lines, activities))
        for hook in settings.OUTBOX_HOOKS:
            # After the commit, in this schema; a hook that fails (broker down) is logged, never
            # raised: the periodic drain picks the event up anyway.
            transaction.on_commit(import_string(hook), robust=True)
    return entry


def _activities(lines: list[Posting]) -> dict[int, tuple[str, str]]:
    """Public id and current stage of the activities the lines concern."""
    from tenants.activities.models import Activity

    activity_ids = {line.activity_id for line in lines if line.activity_id}
    if not activity_ids:
        return {}
    return {
        a.pk: (str(a.public_id), a.stage)
        for a in Activity.objects.filter(pk__in=activity_ids).only("public_id", "stage")
    }


def _event_payload(
    entry: JournalEntry, lines: list[Posting], activities: dict[int, tuple[str, str]]
) -> dict[str, object]:
    return {
        "entry": str(entry.public_id),
        "kind": entry.kind,
        "date": entry.date.isoformat(),
        "reverses": str(entry.reverses.public_id) if entry.reverses else None,
        "lines": [
            {
                "account_kind": line.account.kind,
                "amount": str(line.amount),
                "currency": line.currency,
                "activity": activities[line.activity_id][0] if line.activity_id else None,
                "activity_stage": activities[line.activity_id][1] if line.activity_id else None,
            }
            for line in lines
        ],
    }


def entry_reverse(*, entry: JournalEntry, reason: str, on: date, posted_by: str = "") -> JournalEntry:
    """Cancel a posted entry with its mirror image; the original stays as it was."""
    with transaction.atomic():
        locked = JournalEntry.objects.select_for_update().get(pk=entry.pk)
        if JournalEntry.objects.filter(reverses=locked).exists():
            raise errors.catalog.error(errors.ALREADY_REVERSED, status=409)
        mirror = [
            Posting(line.account, -line.amount, line.currency, line.activity_id, line.memo)
            for line in locked.lines.select_related("account")
        ]
        return entry_post(
            kind=EntryKind.REVERSAL,
            on=on,
            description=f"{reason} ({locked.description})",
            source=locked.source,
            postings=mirror,
            posted_by=posted_by,
            reverses=locked,
        )
