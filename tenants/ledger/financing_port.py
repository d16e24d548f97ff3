"""What the financing service (public schema) may ask of an entity, inside the entity's schema:
granted subsidies, an activity's balance and outflows, and the postings of advances and loans."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum

from tenants.activities.models import Activity
from tenants.billing.models import FUNDING_KINDS, Invoice, InvoiceStatus
from tenants.billing.services import document_due

from .models import AccountKind, EntryKind, JournalLine
from .selectors import activity_balance
from .services import Posting, account, entry_post


class NotFound(LookupError):
    """No such record in this entity."""


@dataclass(frozen=True)
class GrantFacts:
    invoice_id: uuid.UUID
    number: str
    funder_name: str
    activity_id: uuid.UUID
    activity_name: str
    currency: str
    total_gross: Decimal
    due: Decimal  # what the funder has not paid yet


def _grant(doc: Invoice) -> GrantFacts:
    return GrantFacts(
        doc.public_id,
        doc.number,
        doc.client_name,
        doc.activity.public_id,
        doc.activity.name,
        doc.currency,
        doc.total_gross,
        document_due(doc),
    )


def grants_open() -> list[GrantFacts]:
    """Funding agreements granted and not fully paid by their funder."""
    docs = Invoice.objects.filter(
        kind__in=FUNDING_KINDS, status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID]
    ).select_related("activity")
    return [_grant(doc) for doc in docs.order_by("issue_date", "id")]


def grant_facts(invoice_id: uuid.UUID) -> GrantFacts:
    doc = Invoice.objects.filter(public_id=invoice_id, kind__in=FUNDING_KINDS).select_related("activity").first()
    if doc is None or doc.status == InvoiceStatus.DRAFT:
        raise NotFound(invoice_id)
    return _grant(doc)


def _activity(activity_id: uuid.UUID) -> Activity:
    activity = Activity.objects.filter(public_id=activity_id).first()
    if activity is None:
        raise NotFound(activity_id)
    return activity


@dataclass(frozen=True)
class ActivityRef:
    activity_id: uuid.UUID
    name: str
    currency: str
    balance: Decimal


def activities() -> list[ActivityRef]:
    return [
        ActivityRef(a.public_id, a.name, a.currency, activity_balance(a.pk, a.currency))
        for a in Activity.objects.order_by("name", "id")
    ]


def activity_ref(activity_id: uuid.UUID) -> ActivityRef:
    a = _activity(activity_id)
    return ActivityRef(a.public_id, a.name, a.currency, activity_balance(a.pk, a.currency))


@dataclass(frozen=True)
class OutflowGroup:
    kind: str  # the entry kind that debited the activity
    total: Decimal
    entries: int


def activity_debits(activity_id: uuid.UUID, currency: str) -> list[OutflowGroup]:
    """Everything that debited the activity's account, grouped by the kind of entry that did it."""
    activity = _activity(activity_id)
    rows = (
        JournalLine.objects.filter(
            account__kind=AccountKind.ACTIVITY, account__activity=activity, currency=currency, amount__gt=0
        )
        .values("entry__kind")
        .annotate(total=Sum("amount"), entries=Count("entry", distinct=True))
        .order_by("entry__kind")
    )
    return [OutflowGroup(row["entry__kind"], row["total"], row["entries"]) for row in rows]


def subsidy_advance_receive(
    *, invoice_id: uuid.UUID, amount: Decimal, on: datetime.date, reference: str, by: str = ""
) -> None:
    grant = Invoice.objects.select_related("activity").get(public_id=invoice_id)
    entry_post(
        kind=EntryKind.SUBSIDY_ADVANCE,
        on=on,
        description=f"{grant.number} {grant.client_name}",
        source=reference,
        posted_by=by,
        postings=[
            Posting(account(AccountKind.BANK), amount, grant.currency, grant.activity_id),
            Posting(account(AccountKind.SUBSIDY_ADVANCE_PAYABLE), -amount, grant.currency, grant.activity_id),
        ],
    )


def subsidy_advance_repay(
    *, invoice_id: uuid.UUID, amount: Decimal, on: datetime.date, reference: str, by: str = ""
) -> None:
    grant = Invoice.objects.select_related("activity").get(public_id=invoice_id)
    entry_post(
        kind=EntryKind.SUBSIDY_ADVANCE_REPAID,
        on=on,
        description=f"{grant.number} {grant.client_name}",
        source=reference,
        posted_by=by,
        postings=[
            Posting(account(AccountKind.SUBSIDY_ADVANCE_PAYABLE), amount, grant.currency, grant.activity_id),
            Posting(account(AccountKind.BANK), -amount, grant.currency, grant.activity_id),
        ],
    )


def equipment_loan_receive(
    *, activity_id: uuid.UUID, amount: Decimal, currency: str, on: datetime.date, reference: str, by: str = ""
) -> None:
    """The loan's money arrives for the activity, which may spend it on the equipment through its
    allowed exits (an expense refund, a supplier's bill). The debt is the financing service's loan
    register (public schema, per entity and activity), repaid from this same account."""
    activity = _activity(activity_id)
    entry_post(
        kind=EntryKind.EQUIPMENT_LOAN,
        on=on,
        description=activity.name,
        source=reference,
        posted_by=by,
        postings=[
            Posting(account(AccountKind.BANK), amount, currency, activity.pk),
            Posting(activity.account, -amount, currency, activity.pk),
        ],
    )


def equipment_loan_instalment_pay(
    *, activity_id: uuid.UUID, amount: Decimal, currency: str, on: datetime.date, reference: str, by: str = ""
) -> bool:
    """Take one instalment (principal and interest) from the activity's budget, or nothing at all
    (False) when its balance cannot pay it."""
    activity = _activity(activity_id)
    if activity_balance(activity.pk, currency) < amount:
        return False
    entry_post(
        kind=EntryKind.EQUIPMENT_LOAN_REPAYMENT,
        on=on,
        description=activity.name,
        source=reference,
        posted_by=by,
        postings=[
            Posting(activity.account, amount, currency, activity.pk),
            Posting(account(AccountKind.BANK), -amount, currency, activity.pk),
        ],
    )
    return True
