"""Writes of the consolidation read model: drain an entity's ledger outbox into the group's facts,
rebuild them from scratch, reconcile them against the entity's own books.

Idempotent by construction: an event counts only if its ``event_id`` could be inserted into
``AppliedEvent`` (unique), and the facts are sums, so the order in which events arrive does not
matter. The facts, the applied events and ``published_at`` on the entity side are written in one
transaction (one database: the public tables are visible from the entity's search_path), so a
crash leaves either all three or none.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.db import connection
from config.faults import fault_point
from tenants.ledger import consolidation_port as port
from tenants.registry.models import Entity

from .models import AppliedEvent, DrainState, Fact

BATCH = 500

# Account kind -> class of account (what a balance sheet line it is).
ACCOUNT_CLASSES = {
    "bank": "asset",
    "client_receivable": "asset",
    "funder_receivable": "asset",
    "levy_income": "income",
    "activity": "activity",
    "smoothing_reserve": "reserve",
}


def account_class(kind: str) -> str:
    return ACCOUNT_CLASSES.get(kind, "liability")


FactKey = tuple[datetime.date, str, str, str, str]  # period, stage, flow, account kind, currency


def _fold(events: list[port.LedgerEvent]) -> dict[FactKey, list[Decimal | int]]:
    folded: dict[FactKey, list[Decimal | int]] = defaultdict(lambda: [Decimal(0), 0])
    for event in events:
        period = event.entry_date.replace(day=1)
        seen: set[FactKey] = set()
        for line in event.lines:
            key = (period, line.activity_stage, event.flow, line.account_kind, line.currency)
            folded[key][0] += line.amount
            if key not in seen:
                folded[key][1] += 1
                seen.add(key)
    return folded


def _upsert(entity: Entity, folded: dict[FactKey, list[Decimal | int]]) -> None:
    if not folded:
        return
    table = Fact._meta.db_table
    rows = [
        (entity.pk, entity.country, period, stage, flow, kind, account_class(kind), currency, amount, entries)
        for (period, stage, flow, kind, currency), (amount, entries) in sorted(folded.items())
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"""INSERT INTO public.{table}
                (entity_id, country, period, activity_stage, flow, account_kind, account_class, currency, amount,
                 entries)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT (entity_id, period, activity_stage, flow, account_kind, currency)
                DO UPDATE SET amount = {table}.amount + EXCLUDED.amount,
                              entries = {table}.entries + EXCLUDED.entries""",  # noqa: S608 - table name is ours
            rows,
        )


def _claim(entity: Entity, events: list[port.LedgerEvent]) -> list[port.LedgerEvent]:
    """The events not applied yet (inserting their ids is the claim; a replay inserts nothing)."""
    if not events:
        return []
    table = AppliedEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO public.{table} (event_id, entity_id, applied_at)
                SELECT unnest(%s::uuid[]), %s, now()
                ON CONFLICT (event_id) DO NOTHING RETURNING event_id""",
            [[e.event_id for e in events], entity.pk],
        )
        claimed = {row[0] for row in cursor.fetchall()}
    fresh = []
    for event in events:  # a batch may carry the same event twice: count it once
        if event.event_id in claimed:
            claimed.discard(event.event_id)
            fresh.append(event)
    return fresh


def events_apply(*, entity: Entity, events: list[port.LedgerEvent]) -> int:
    """Count ``events`` into the facts once each (call inside a transaction); returns how many were new."""
    fresh = _claim(entity, events)
    _upsert(entity, _fold(fresh))
    return len(fresh)


def _touch(entity: Entity, applied: int) -> None:
    state, _created = DrainState.objects.select_for_update().get_or_create(entity=entity)
    state.last_drained_at = timezone.now()
    state.events_applied += applied
    state.save(update_fields=["last_drained_at", "events_applied"])


def _lock(entity: Entity) -> None:
    """Serialise the drains and rebuilds of one entity (its drain state row is the lock)."""
    DrainState.objects.get_or_create(entity=entity)
    DrainState.objects.select_for_update().get(entity=entity)


def entity_drain(*, entity: Entity, batch: int = BATCH) -> int:
    """Drain the entity's unpublished ledger events (oldest first, by batch); returns how many
    were newly applied."""
    total = 0
    with tenant_context(entity):
        while True:
            with transaction.atomic():
                _lock(entity)
                events = port.unpublished_events(limit=batch)
                applied = events_apply(entity=entity, events=events)
                port.events_mark_published(outbox_ids=[e.outbox_id for e in events], at=timezone.now())
                _touch(entity, applied)
                fault_point("federation.drain.applied")  # tests: a worker killed before the commit
            total += applied
            if len(events) < batch:
                return total


def _rebuild_sql() -> str:
    classes = " ".join(f"WHEN '{kind}' THEN '{klass}'" for kind, klass in sorted(ACCOUNT_CLASSES.items()))
    fact, applied = Fact._meta.db_table, AppliedEvent._meta.db_table
    # One statement, one snapshot: the facts are summed from the entity's books (journal lines with
    # their entry and account; the activity's stage as posted is on the line), the unpublished outbox
    # events of the very entries counted are claimed and marked published. A reversal counts under
    # the kind of the entry it reverses; ``entries`` counts the distinct entries behind each fact -
    # the same folding as ``_fold`` over the events.
    return f"""
WITH unpublished AS (
    SELECT id, event_id FROM {port.OUTBOX_TABLE} WHERE kind = %(kind)s AND published_at IS NULL
), claimed AS (
    INSERT INTO public.{applied} (event_id, entity_id, applied_at)
    SELECT event_id, %(entity)s, now() FROM unpublished
    ON CONFLICT (event_id) DO NOTHING
), marked AS (
    UPDATE {port.OUTBOX_TABLE} o SET published_at = now() FROM unpublished u WHERE o.id = u.id
)
INSERT INTO public.{fact}
    (entity_id, country, period, activity_stage, flow, account_kind, account_class, currency, amount, entries)
SELECT %(entity)s, %(country)s, date_trunc('month', e.date)::date, l.activity_stage,
       CASE WHEN e.kind = 'reversal' AND r.kind IS NOT NULL THEN r.kind ELSE e.kind END,
       a.kind, CASE a.kind {classes} ELSE 'liability' END, l.currency, sum(l.amount), count(DISTINCT l.entry_id)
FROM {port.LINE_TABLE} l
JOIN {port.ENTRY_TABLE} e ON e.id = l.entry_id
JOIN {port.ACCOUNT_TABLE} a ON a.id = l.account_id
LEFT JOIN {port.ENTRY_TABLE} r ON r.id = e.reverses_id
GROUP BY 3, 4, 5, 6, 8
"""  # noqa: S608 - table names are ours


def entity_rebuild(*, entity: Entity) -> int:
    """Forget the entity's facts and count its books again, in one set-based statement over its
    journal lines (same figures as draining its events one by one). The applied-event keys stay:
    they name the same events, and keep any replay arriving later a no-op."""
    with tenant_context(entity), transaction.atomic():
        _lock(entity)
        Fact.objects.filter(entity=entity).delete()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")  # aggregate in memory, not on disk
            # A one-off aggregate: compiling it (JIT) costs more than it saves at an entity's size.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(_rebuild_sql(), {"kind": port.ENTRY_POSTED, "entity": entity.pk, "country": entity.country})
        total = AppliedEvent.objects.filter(entity=entity).count()
        DrainState.objects.filter(entity=entity).update(last_drained_at=timezone.now(), events_applied=total)
    return total


def rebuild_all(*, entities: list[Entity], jobs: int = 1) -> dict[str, int]:
    """``entity_rebuild`` of every entity, ``jobs`` at a time (each job its own database connection:
    entities are independent, so the rebuild of the group spreads over the server's cores). Inside a
    transaction it runs them one by one: other connections would not see what it has not committed."""
    if jobs <= 1 or connection.in_atomic_block:
        return {entity.slug: entity_rebuild(entity=entity) for entity in entities}

    def one(entity: Entity) -> tuple[str, int]:
        try:
            return entity.slug, entity_rebuild(entity=entity)
        finally:
            connection.close()  # this thread's connection

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(pool.map(one, entities))


@dataclass(frozen=True)
class Difference:
    entity: str
    account_kind: str
    currency: str
    period: datetime.date
    ledger: Decimal
    consolidated: Decimal

    def __str__(self) -> str:
        return (
            f"{self.entity} {self.period:%Y-%m} {self.account_kind} {self.currency}: "
            f"ledger {self.ledger} != consolidated {self.consolidated} (off by {self.consolidated - self.ledger})"
        )


def entity_reconcile(*, entity: Entity) -> list[Difference]:
    """Every (account kind, currency, month) where the group's facts differ from the entity's books.
    Events not drained yet count as a difference: drain first."""
    with tenant_context(entity):
        ledger = {(s.account_kind, s.currency, s.period): s.amount for s in port.ledger_sums()}
    consolidated: dict[tuple[str, str, datetime.date], Decimal] = defaultdict(Decimal)
    for kind, currency, period, amount in Fact.objects.filter(entity=entity).values_list(
        "account_kind", "currency", "period", "amount"
    ):
        consolidated[(kind, currency, period)] += amount
    differences = []
    for key in sorted(set(ledger) | set(consolidated)):
        mine, theirs = ledger.get(key, Decimal(0)), consolidated.get(key, Decimal(0))
        if mine != theirs:
            differences.append(Difference(entity.slug, key[0], key[1], key[2], mine, theirs))
    return differences
