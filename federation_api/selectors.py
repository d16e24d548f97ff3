"""Reads of the consolidation: the group's figures by entity, country, period and currency, in the
entity's currency and in EUR (with the rate used), each saying as of when it was drained."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from shared_services.guarantee import selectors as guarantee
from tenants.registry.models import Entity, EntityStatus

from . import errors
from .models import DrainState, Fact
from .rates import PeriodRate, known_currencies, period_rates

INVOICING = ("invoice_issued", "credit_note_issued", "funding_granted")
# Each metric: which facts, and the sign that makes it positive in the usual sense.
METRICS: dict[str, tuple[Q, int]] = {
    # Amount excluding VAT invoiced (net of credit notes): the receivable minus the VAT.
    "turnover": (
        Q(flow__in=INVOICING, account_kind__in=["client_receivable", "funder_receivable", "vat_payable"]),
        1,
    ),
    "levy": (Q(account_kind="levy_income"), -1),
    "wages": (Q(flow="contract_signed", account_kind__in=["wages_payable", "authors_rights_payable"]), -1),
    "expenses": (Q(flow="expense_approved", account_kind="member_payable"), -1),
}
GROUPINGS = ("group", "entity", "country")
ZERO = Decimal("0.00")


def _choice(value: str, choices: tuple[str, ...] | list[str], field_name: str) -> str:
    if value not in choices:
        raise errors.catalog.error(errors.BAD_CHOICE, field=field_name, value=value, choices=", ".join(choices))
    return value


def current_period() -> datetime.date:
    return timezone.localdate().replace(day=1)


def period_parse(value: str, *, field_name: str) -> datetime.date:
    try:
        period = datetime.datetime.strptime(value, "%Y-%m").replace(tzinfo=datetime.UTC).date()
    except ValueError:
        raise errors.catalog.error(errors.BAD_PERIOD, field=field_name, value=value) from None
    if period > current_period():
        raise errors.catalog.error(errors.FUTURE_PERIOD, field=field_name, period=value)
    return period


def currency_parse(value: str) -> str:
    currency = value.strip().upper()
    if currency not in known_currencies() and not Fact.objects.filter(currency=currency).exists():
        raise errors.catalog.error(errors.UNKNOWN_CURRENCY, field="currency", currency=value)
    return currency


def entity_get(entity_id: str) -> Entity:
    try:
        public_id = uuid.UUID(entity_id)
    except ValueError:
        raise errors.catalog.error(errors.UNKNOWN_ENTITY, field="entity", entity=entity_id, status=404) from None
    entity = Entity.objects.filter(public_id=public_id).first()
    if entity is None:
        raise errors.catalog.error(errors.UNKNOWN_ENTITY, field="entity", entity=entity_id, status=404)
    return entity


@dataclass(frozen=True)
class Filters:
    entity: Entity | None = None
    country: str = ""
    currency: str = ""
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None

    def facts(self) -> Q:
        q = Q()
        if self.entity is not None:
            q &= Q(entity=self.entity)
        if self.country:
            q &= Q(country=self.country)
        if self.currency:
            q &= Q(currency=self.currency)
        if self.period_from:
            q &= Q(period__gte=self.period_from)
        if self.period_to:
            q &= Q(period__lte=self.period_to)
        return q


def filters_parse(params: Mapping[str, str], *, entity: Entity | None = None) -> Filters:
    """The filters of a query string (API or dashboard): entity (public id), country (one of the
    group's), currency, period_from and period_to (YYYY-MM, not in the future, in order)."""
    if entity is None and params.get("entity"):
        entity = entity_get(params["entity"])
    period_from = period_parse(params["period_from"], field_name="period_from") if params.get("period_from") else None
    period_to = period_parse(params["period_to"], field_name="period_to") if params.get("period_to") else None
    if period_from and period_to and period_from > period_to:
        raise errors.catalog.error(
            errors.BAD_RANGE, field="period_from", period_from=f"{period_from:%Y-%m}", period_to=f"{period_to:%Y-%m}"
        )
    country = params.get("country", "").strip().upper()
    if country:
        countries = sorted(set(Entity.objects.values_list("country", flat=True)))
        _choice(country, countries, "country")
    return Filters(
        entity=entity,
        country=country,
        currency=currency_parse(params["currency"]) if params.get("currency") else "",
        period_from=period_from,
        period_to=period_to,
    )


@dataclass
class FigureRow:
    key: str  # "group", the entity's public id or the country code
    label: str
    period: datetime.date
    currency: str
    rate: PeriodRate
    amounts: dict[str, Decimal] = field(default_factory=dict)
    amounts_eur: dict[str, Decimal] = field(default_factory=dict)
    entity: Entity | None = None
    as_of: datetime.datetime | None = None

    @property
    def closed(self) -> bool:
        return self.entity is not None and self.entity.status == EntityStatus.CLOSED


@dataclass(frozen=True)
class Figures:
    rows: list[FigureRow]
    totals_eur: dict[str, Decimal]
    as_of: datetime.datetime | None  # the oldest drain among the entities counted


def _as_of(entity_ids: set[int]) -> dict[int, datetime.datetime | None]:
    found = dict(DrainState.objects.filter(entity_id__in=entity_ids).values_list("entity_id", "last_drained_at"))
    return {pk: found.get(pk) for pk in entity_ids}


def _oldest(values: list[datetime.datetime | None]) -> datetime.datetime | None:
    if not values or any(v is None for v in values):
        return None
    return min(v for v in values if v is not None)


def figures(*, by: str, filters: Filters) -> Figures:
    """Turnover, levy, wages and expenses per (``by``, period, currency), converted to EUR with the
    rate of each period. One aggregate query at the requested grain (every metric a filtered sum);
    a rate missing for any row refuses the whole answer."""
    _choice(by, GROUPINGS, "by")
    any_metric = Q()
    for q, _sign in METRICS.values():
        any_metric |= q
    base = Fact.objects.filter(filters.facts()).filter(any_metric)
    keys = {"group": [], "entity": ["entity_id"], "country": ["country"]}[by] + ["period", "currency"]
    sums = {metric: Sum("amount", filter=q) for metric, (q, _sign) in METRICS.items()}
    grain = list(base.values(*keys).annotate(**sums).order_by())
    counted = set(base.values_list("entity_id", flat=True).distinct().order_by())
    rates = period_rates(currencies={g["currency"] for g in grain}, periods={g["period"] for g in grain})
    entities = {e.pk: e for e in Entity.objects.filter(pk__in=counted)}
    drained = _as_of(set(entities))
    by_country: dict[str, list[int]] = defaultdict(list)
    for pk, counted_entity in entities.items():
        by_country[counted_entity.country].append(pk)
    group_as_of = _oldest(list(drained.values()))
    country_as_of = {c: _oldest([drained[pk] for pk in pks]) for c, pks in by_country.items()}
    rows: list[FigureRow] = []
    totals = dict.fromkeys(METRICS, ZERO)
    for g in grain:
        entity: Entity | None = None
        if by == "entity":
            entity = entities[g["entity_id"]]
            key, label, as_of = str(entity.public_id), entity.display_name, drained[entity.pk]
        elif by == "country":
            key, label, as_of = g["country"], g["country"], country_as_of.get(g["country"])
        else:
            key, label, as_of = "group", "SMart", group_as_of
        rate = rates[(g["currency"], g["period"])]
        row = FigureRow(key, label, g["period"], g["currency"], rate, entity=entity, as_of=as_of)
        for metric, (_q, sign) in METRICS.items():
            amount = sign * (g[metric] or ZERO)
            row.amounts[metric] = amount
            row.amounts_eur[metric] = rate.to_eur(amount)
            totals[metric] += row.amounts_eur[metric]
        rows.append(row)
    rows.sort(key=lambda r: (r.period, r.label, r.currency))
    return Figures(rows, totals, group_as_of)


@dataclass(frozen=True)
class StageRow:
    stage: str
    currency: str
    turnover: Decimal
    turnover_eur: Decimal
    entries: int


def activities_by_stage(*, filters: Filters) -> list[StageRow]:
    """Turnover and invoicing entries per activity stage (the stage at posting time), per currency,
    the EUR figure converted month by month."""
    q, sign = METRICS["turnover"]
    rows = list(
        Fact.objects.filter(filters.facts())
        .filter(q)
        .values("activity_stage", "currency", "period")
        .annotate(total=Sum("amount"))
    )
    entry_rows = (
        Fact.objects.filter(filters.facts())
        .filter(flow__in=INVOICING, account_kind__in=["client_receivable", "funder_receivable"])
        .values("activity_stage", "currency")
        .annotate(n=Sum("entries"))
    )
    counts = {(r["activity_stage"], r["currency"]): r["n"] for r in entry_rows}
    rates = period_rates(currencies={r["currency"] for r in rows}, periods={r["period"] for r in rows})
    totals: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for r in rows:
        amount = sign * r["total"]
        key = (r["activity_stage"], r["currency"])
        totals[key][0] += amount
        totals[key][1] += rates[(r["currency"], r["period"])].to_eur(amount)
    return [
        StageRow(stage or "", currency, local, eur, counts.get((stage, currency), 0))
        for (stage, currency), (local, eur) in sorted(totals.items())
    ]


@dataclass(frozen=True)
class EntityDrill:
    entity: Entity
    as_of: datetime.datetime | None
    figures: Figures
    stages: list[StageRow]
    balances: list[tuple[str, str, str, Decimal]]  # account kind, class, currency, debit-positive sum


def entity_drill(*, entity: Entity, filters: Filters) -> EntityDrill:
    scoped = Filters(entity, filters.country, filters.currency, filters.period_from, filters.period_to)
    balances = (
        Fact.objects.filter(scoped.facts())
        .values("account_kind", "account_class", "currency")
        .annotate(total=Sum("amount"))
        .order_by("account_kind", "currency")
    )
    return EntityDrill(
        entity=entity,
        as_of=_as_of({entity.pk})[entity.pk],
        figures=figures(by="entity", filters=scoped),
        stages=activities_by_stage(filters=scoped),
        balances=[(b["account_kind"], b["account_class"], b["currency"], b["total"]) for b in balances],
    )


@dataclass(frozen=True)
class GuaranteeView:
    positions: list[guarantee.FundPosition]
    exposure_by_entity: list[guarantee.ExposureRow]


def guarantee_view() -> GuaranteeView:
    return GuaranteeView(guarantee.fund_positions(), guarantee.exposure_by("entity"))


def freshness() -> list[tuple[Entity, datetime.datetime | None]]:
    states = dict(DrainState.objects.values_list("entity_id", "last_drained_at"))
    return [(e, states.get(e.pk)) for e in Entity.objects.order_by("slug")]
