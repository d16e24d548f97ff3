"""Members, cooperators and share capital for group management.

Members live in each entity's schema: a census (``entity_census``) counts them per month joined,
category and kind through ``tenants/members/census_port.py`` and replaces that entity's
``MemberFact`` rows in one transaction (taken after each drain when the members table changed, and
by the dashboard's recomputation). Cooperators and share capital come from the share register
(governance, public schema), at nominal value, dated by each transaction."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django_tenants.utils import tenant_context

from governance.models import Cooperator, ShareTransaction
from tenants.members import census_port
from tenants.registry.models import Entity, EntityStatus

from .models import DrainState, MemberFact
from .selectors import Filters, current_period

MAX_MONTHS = 120


def entity_census(*, entity: Entity, force: bool = False) -> bool:
    """Count the entity's members again if its members table changed since the last count (or
    ``force``); returns whether the census was taken."""
    with tenant_context(entity):
        signature = census_port.signature()
        state = DrainState.objects.filter(entity=entity).first()
        if not force and state is not None and state.census_signature == signature:
            return False
        rows = census_port.joined_by_month()
    with transaction.atomic():
        state, _ = DrainState.objects.get_or_create(entity=entity)
        state = DrainState.objects.select_for_update().get(pk=state.pk)
        MemberFact.objects.filter(entity=entity).delete()
        MemberFact.objects.bulk_create(
            MemberFact(
                entity=entity,
                country=entity.country,
                period=row.period,
                category=row.category,
                kind=row.kind,
                joined=row.joined,
            )
            for row in rows
        )
        state.census_at = timezone.now()
        state.census_signature = signature
        state.save(update_fields=["census_at", "census_signature"])
    return True


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months: list[datetime.date] = []
    month = first.replace(day=1)
    while month <= last and len(months) < MAX_MONTHS:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _month_end(period: datetime.date) -> datetime.date:
    return (period + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class MembershipPoint:
    period: datetime.date
    joined: int
    members: int
    cooperators: int
    capital: dict[str, Decimal]  # currency -> share capital at nominal at the month's end


@dataclass
class EntityMembership:
    entity: Entity
    members: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    cooperators: int = 0
    capital: dict[str, Decimal] = field(default_factory=dict)
    counted_at: datetime.datetime | None = None

    @property
    def closed(self) -> bool:
        return self.entity.status == EntityStatus.CLOSED


@dataclass(frozen=True)
class Membership:
    as_of: datetime.datetime | None  # the oldest census among the entities counted
    period_to: datetime.date
    members: int
    members_by_category: dict[str, int]
    cooperators: int
    cooperators_by_category: dict[str, int]
    capital: dict[str, Decimal]
    capital_by_category: dict[tuple[str, str], Decimal]
    by_entity: list[EntityMembership]
    points: list[MembershipPoint]


def _entities(filters: Filters) -> list[Entity]:
    entities = Entity.objects.order_by("slug")
    if filters.entity is not None:
        entities = entities.filter(pk=filters.entity.pk)
    if filters.country:
        entities = entities.filter(country=filters.country)
    return list(entities)


class _Register:
    """The share register replayed month by month for the cooperators whose entity of origin passes
    the filters."""

    def __init__(self, entity_ids: set[int], last_day: datetime.date) -> None:
        self.cooperators = {c.pk: c for c in Cooperator.objects.filter(entity_of_origin_id__in=entity_ids)}
        self.transactions = list(
            ShareTransaction.objects.filter(on__lte=last_day)
            .select_related("share_class")
            .order_by("on", "id")
            .only(
                "on",
                "count",
                "from_cooperator_id",
                "to_cooperator_id",
                "share_class__nominal",
                "share_class__currency",
            )
        )
        self.held: dict[int, dict[tuple[Decimal, str], int]] = defaultdict(lambda: defaultdict(int))
        self.position = 0

    def advance_to(self, day: datetime.date) -> None:
        while self.position < len(self.transactions) and self.transactions[self.position].on <= day:
            tx = self.transactions[self.position]
            key = (tx.share_class.nominal, tx.share_class.currency)
            if tx.to_cooperator_id in self.cooperators:
                self.held[tx.to_cooperator_id][key] += tx.count
            if tx.from_cooperator_id in self.cooperators:
                self.held[tx.from_cooperator_id][key] -= tx.count
            self.position += 1

    def holders(self) -> list[int]:
        return [pk for pk, classes in self.held.items() if sum(classes.values()) > 0]

    def capital(self, holders: list[int] | None = None) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for pk in self.holders() if holders is None else holders:
            for (nominal, currency), n in self.held[pk].items():
                totals[currency] += n * nominal
        return dict(sorted(totals.items()))


def membership(*, filters: Filters) -> Membership:
    """Members (from the census), cooperators and share capital at nominal, month by month from
    ``period_from`` (or the first member) to ``period_to`` (or this month), and per entity at the end."""
    entities = _entities(filters)
    ids = {e.pk for e in entities}
    period_to = filters.period_to or current_period()
    last_day = _month_end(period_to)
    facts = MemberFact.objects.filter(entity_id__in=ids)
    joined_by_month = dict(facts.values_list("period").annotate(n=Sum("joined")).order_by("period"))
    first_coop = Cooperator.objects.filter(entity_of_origin_id__in=ids).order_by("admitted_on").first()
    starts = [p for p in joined_by_month if p <= period_to]
    if first_coop is not None:
        starts.append(first_coop.admitted_on.replace(day=1))
    first = filters.period_from or (min(starts) if starts else period_to)
    months = _months(max(first, period_to.replace(year=period_to.year - MAX_MONTHS // 12)), period_to)
    register = _Register(ids, last_day)
    members_before = sum(n for p, n in joined_by_month.items() if months and p < months[0])
    points = []
    running = members_before
    for month in months:
        joined = joined_by_month.get(month, 0)
        running += joined
        register.advance_to(_month_end(month))
        points.append(MembershipPoint(month, joined, running, len(register.holders()), register.capital()))
    register.advance_to(last_day)

    upto = facts.filter(period__lte=period_to)
    per_entity: dict[int, EntityMembership] = {e.pk: EntityMembership(e) for e in entities}
    for entity_id, category, n in upto.values_list("entity_id", "category").annotate(n=Sum("joined")):
        row = per_entity[entity_id]
        row.members += n
        row.by_category[category] = row.by_category.get(category, 0) + n
    holders = register.holders()
    cooperators_by_category: dict[str, int] = defaultdict(int)
    capital_by_category: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for pk in holders:
        cooperator = register.cooperators[pk]
        row = per_entity[cooperator.entity_of_origin_id]
        row.cooperators += 1
        cooperators_by_category[cooperator.category] += 1
        for currency, amount in register.capital([pk]).items():
            row.capital[currency] = row.capital.get(currency, Decimal(0)) + amount
            capital_by_category[(cooperator.category, currency)] += amount
    counted = dict(DrainState.objects.filter(entity_id__in=ids).values_list("entity_id", "census_at"))
    for pk, row in per_entity.items():
        row.counted_at = counted.get(pk)
    members_by_category: dict[str, int] = defaultdict(int)
    for row in per_entity.values():
        for category, n in row.by_category.items():
            members_by_category[category] += n
    times = [row.counted_at for row in per_entity.values()]
    return Membership(
        as_of=None if not times or any(t is None for t in times) else min(t for t in times if t is not None),
        period_to=period_to,
        members=sum(row.members for row in per_entity.values()),
        members_by_category=dict(sorted(members_by_category.items())),
        cooperators=len(holders),
        cooperators_by_category=dict(sorted(cooperators_by_category.items())),
        capital=register.capital(),
        capital_by_category=dict(sorted(capital_by_category.items())),
        by_entity=list(per_entity.values()),
        points=points,
    )
