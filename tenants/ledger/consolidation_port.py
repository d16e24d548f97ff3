"""What the group's consolidation (federation_api, public schema) reads from and marks in an
entity's ledger. Run inside the entity's schema (``tenant_context``); plain frozen dataclasses out,
so that the public side never touches an entity's models."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from .models import Account, EntryKind, JournalEntry, JournalLine, OutboxEvent

ENTRY_POSTED = "ledger.entry_posted"
# For the set-based rebuild, which reads the outbox in SQL (unqualified: the entity's search_path).
OUTBOX_TABLE = OutboxEvent._meta.db_table
ENTRY_TABLE = JournalEntry._meta.db_table
LINE_TABLE = JournalLine._meta.db_table
ACCOUNT_TABLE = Account._meta.db_table


@dataclass(frozen=True)
class EventLine:
    account_kind: str
    amount: Decimal
    currency: str
    activity_stage: str


@dataclass(frozen=True)
class LedgerEvent:
    """One posted entry as its outbox event told it; ``flow`` is the entry's kind, or for a reversal
    the kind of the entry it reverses (so that a reversed invoice lowers the turnover)."""

    outbox_id: int
    event_id: uuid.UUID
    entry_date: datetime.date
    flow: str
    lines: tuple[EventLine, ...]


def _flows(reversed_ids: set[str]) -> dict[str, str]:
    if not reversed_ids:
        return {}
    rows = JournalEntry.objects.filter(public_id__in=reversed_ids).values_list("public_id", "kind")
    return {str(public_id): kind for public_id, kind in rows}


def _events(rows: list[OutboxEvent]) -> list[LedgerEvent]:
    reversed_kinds = _flows({str(row.payload["reverses"]) for row in rows if row.payload.get("reverses")})
    events = []
    for row in rows:
        payload = row.payload
        flow = payload["kind"]
        if flow == EntryKind.REVERSAL and payload.get("reverses"):
            flow = reversed_kinds.get(str(payload["reverses"]), flow)
        events.append(
            LedgerEvent(
                outbox_id=row.pk,
                event_id=row.event_id,
                entry_date=datetime.date.fromisoformat(payload["date"]),
                flow=flow,
                lines=tuple(
                    EventLine(
                        account_kind=line["account_kind"],
                        amount=Decimal(line["amount"]),
                        currency=line["currency"],
                        activity_stage=line.get("activity_stage") or "",
                    )
                    for line in payload["lines"]
                ),
            )
        )
    return events


def unpublished_events(*, limit: int) -> list[LedgerEvent]:
    """The oldest unpublished ledger events, locked (rows another drain holds are skipped)."""
    rows = list(
        OutboxEvent.objects.filter(kind=ENTRY_POSTED, published_at__isnull=True)
        .order_by("id")
        .select_for_update(skip_locked=True)[:limit]
    )
    return _events(rows)


def all_events(*, after_id: int, limit: int) -> list[LedgerEvent]:
    """Every ledger event, published or not, in id order (for a rebuild)."""
    rows = list(OutboxEvent.objects.filter(kind=ENTRY_POSTED, id__gt=after_id).order_by("id")[:limit])
    return _events(rows)


def events_mark_published(*, outbox_ids: list[int], at: datetime.datetime) -> None:
    OutboxEvent.objects.filter(pk__in=outbox_ids, published_at__isnull=True).update(published_at=at)


def unpublished_count() -> int:
    return OutboxEvent.objects.filter(kind=ENTRY_POSTED, published_at__isnull=True).count()


@dataclass(frozen=True)
class LedgerSum:
    account_kind: str
    currency: str
    period: datetime.date  # first day of the month of the entries' dates
    amount: Decimal
    entries: int


def ledger_sums() -> list[LedgerSum]:
    """The entity's own books, summed per account kind, currency and month."""
    rows = (
        JournalLine.objects.annotate(period=TruncMonth("entry__date"))
        .values("account__kind", "currency", "period")
        .annotate(total=Sum("amount"), entries=Count("entry_id", distinct=True))
        .order_by("account__kind", "currency", "period")
    )
    return [
        LedgerSum(row["account__kind"], row["currency"], row["period"], row["total"], row["entries"]) for row in rows
    ]
