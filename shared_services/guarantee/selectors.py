"""Reads of the salary guarantee fund: its position, exposure, limits, and the state of every wage
and invoice it stands behind."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from shared_services.models import Pool, PoolAccount, PoolLine

from .models import PAYOUT_KINDS, FundLimit, FundMovement, MovementKind, MovementStatus

POOL = Pool.GUARANTEE_FUND


def _pool_total(account: str, currency: str, **dims: Any) -> Decimal:
    lines = PoolLine.objects.filter(entry__pool=POOL, account=account, currency=currency, **dims)
    return lines.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def _pending_payouts(currency: str, **dims: Any) -> Decimal:
    pending = FundMovement.objects.filter(
        kind__in=PAYOUT_KINDS, status=MovementStatus.DECIDED, currency=currency, **dims
    )
    return pending.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def available_cash(currency: str) -> Decimal:
    """The fund's cash in ``currency`` minus payouts decided but not executed yet."""
    return _pool_total(PoolAccount.CASH, currency) - _pending_payouts(currency)


@dataclass(frozen=True)
class Exposure:
    advances: Decimal  # wage advances not yet repaid
    claims: Decimal  # covers not yet recovered or written off
    pending: Decimal  # payouts decided, not yet executed

    @property
    def total(self) -> Decimal:
        return self.advances + self.claims + self.pending


def exposure(
    *,
    currency: str,
    entity_id: int | None = None,
    client_id: uuid.UUID | None = None,
    activity_id: uuid.UUID | None = None,
) -> Exposure:
    dims: dict[str, Any] = {}
    if entity_id is not None:
        dims["entity_id"] = entity_id
    if client_id is not None:
        dims["client_id"] = client_id
    if activity_id is not None:
        dims["activity_id"] = activity_id
    return Exposure(
        advances=_pool_total(PoolAccount.ADVANCES, currency, **dims),
        claims=_pool_total(PoolAccount.CLAIMS, currency, **dims),
        pending=_pending_payouts(currency, **dims),
    )


def limit_for(*, scope: str, entity_id: int, currency: str) -> Decimal:
    """The entity's own limit, else the group default; no limit configured means the fund takes no
    risk in that currency (0)."""
    row = (
        FundLimit.objects.filter(scope=scope, currency=currency)
        .filter(Q(entity_id=entity_id) | Q(entity__isnull=True))
        .order_by("entity_id")  # NULLS LAST in PostgreSQL: the entity's own row first
        .first()
    )
    return row.amount if row is not None else Decimal(0)


@dataclass(frozen=True)
class FundPosition:
    currency: str
    cash: Decimal
    contributions: Decimal
    endowment: Decimal
    advances: Decimal
    claims: Decimal
    write_offs: Decimal
    pending: Decimal

    @property
    def at_stake(self) -> Decimal:
        return self.advances + self.claims + self.pending

    @property
    def solvency_ratio(self) -> Decimal | None:
        """Cash against everything at stake (None when nothing is at stake)."""
        if self.at_stake <= 0:
            return None
        return (self.cash / self.at_stake).quantize(Decimal("0.01"))


def fund_positions() -> list[FundPosition]:
    rows = (
        PoolLine.objects.filter(entry__pool=POOL)
        .values("account", "currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    by_currency: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        by_currency.setdefault(row["currency"], {})[row["account"]] = row["total"]
    positions = []
    for currency, totals in sorted(by_currency.items()):
        positions.append(
            FundPosition(
                currency=currency,
                cash=totals.get(PoolAccount.CASH, Decimal(0)),
                contributions=-totals.get(PoolAccount.CONTRIBUTIONS, Decimal(0)),
                endowment=-totals.get(PoolAccount.ENDOWMENT, Decimal(0)),
                advances=totals.get(PoolAccount.ADVANCES, Decimal(0)),
                claims=totals.get(PoolAccount.CLAIMS, Decimal(0)),
                write_offs=totals.get(PoolAccount.WRITE_OFFS, Decimal(0)),
                pending=_pending_payouts(currency),
            )
        )
    return positions


@dataclass(frozen=True)
class ExposureRow:
    key: str  # entity slug, client or activity id
    label: str
    currency: str
    advances: Decimal
    claims: Decimal
    limit: Decimal | None


def exposure_by(dimension: str, *, entity_id: int | None = None) -> list[ExposureRow]:
    """Outstanding advances and covers grouped by ``entity``, ``client`` or ``activity``."""
    field = {"entity": "entity_id", "client": "client_id", "activity": "activity_id"}[dimension]
    lines = PoolLine.objects.filter(
        entry__pool=POOL, account__in=[PoolAccount.ADVANCES, PoolAccount.CLAIMS], **{f"{field}__isnull": False}
    )
    if entity_id is not None:
        lines = lines.filter(entity_id=entity_id)
    rows = lines.values(field, "currency", "account").annotate(total=Sum("amount")).order_by(field, "currency")
    grouped: dict[tuple[str, str], dict[str, Decimal]] = {}
    for row in rows:
        grouped.setdefault((str(row[field]), row["currency"]), {})[row["account"]] = row["total"]
    labels = _labels(dimension, [key for key, _ in grouped])
    result = []
    for (key, currency), totals in sorted(grouped.items(), key=lambda item: (labels.get(item[0][0], ""), item[0])):
        advances = totals.get(PoolAccount.ADVANCES, Decimal(0))
        claims = totals.get(PoolAccount.CLAIMS, Decimal(0))
        if not advances and not claims:
            continue
        limit = limit_for(scope=dimension, entity_id=int(key), currency=currency) if dimension == "entity" else None
        result.append(ExposureRow(key, labels.get(key, key), currency, advances, claims, limit))
    return result


def _labels(dimension: str, keys: list[str]) -> dict[str, str]:
    if dimension == "entity":
        from tenants.registry.models import Entity

        return {str(pk): name for pk, name in Entity.objects.filter(pk__in=keys).values_list("pk", "display_name")}
    field = {"client": ("client_id", "client_name"), "activity": ("activity_id", "activity_name")}[dimension]
    labels: dict[str, str] = {}
    for key, name in FundMovement.objects.filter(**{f"{field[0]}__in": keys}).values_list(*field):
        if name:
            labels[str(key)] = name
    return labels


def claim_outstanding(cover: FundMovement) -> Decimal:
    """What the fund still has to recover on a covered invoice."""
    settled = FundMovement.objects.filter(
        entity_id=cover.entity_id,
        subject_id=cover.subject_id,
        kind__in=[MovementKind.RECOVERY, MovementKind.WRITE_OFF],
        status=MovementStatus.EXECUTED,
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return cover.amount - settled


def movements(*, entity_id: int | None = None, kind: str = "", status: str = "") -> list[FundMovement]:
    queryset = FundMovement.objects.select_related("entity")
    if entity_id is not None:
        queryset = queryset.filter(entity_id=entity_id)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    return list(queryset[:500])


def claims_open() -> list[tuple[FundMovement, Decimal]]:
    covers = FundMovement.objects.filter(kind=MovementKind.COVER, status=MovementStatus.EXECUTED).select_related(
        "entity"
    )
    result = []
    for cover in covers:
        outstanding = claim_outstanding(cover)
        result.append((cover, outstanding))
    return result


# --- States shown on every wage and invoice ----------------------------------------------------------

STATE_LABELS = {
    "guaranteed": _("Guaranteed"),
    "advanced": _("Advanced by the fund"),
    "awaiting_client": _("Awaiting the client"),
    "covered": _("Covered by the fund"),
    "recovered": _("Recovered"),
    "written_off": _("Written off by the fund"),
    "paid": _("Paid"),
}


STEP_LABELS = {
    "reminder": _("Reminder"),
    "formal_notice": _("Formal notice"),
    "cover": _("Covered by the guarantee fund"),
}


@dataclass(frozen=True)
class WageState:
    contract_id: uuid.UUID
    member_name: str
    activity_name: str
    client_name: str
    invoice_number: str
    currency: str
    cost: Decimal
    performed_to: datetime.date
    due_on: datetime.date
    paid_on: datetime.date | None
    advance: Decimal
    state: str

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass(frozen=True)
class InvoiceState:
    invoice_id: uuid.UUID
    number: str
    activity_name: str
    client_name: str
    currency: str
    total_gross: Decimal
    due: Decimal
    due_date: datetime.date | None
    steps: tuple[str, ...]
    lines: tuple[str, ...]
    state: str

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def step_labels(self) -> list[str]:
        return [str(STEP_LABELS.get(step, step)) for step in self.steps]


def entity_states(*, on: datetime.date) -> tuple[list[WageState], list[InvoiceState]]:
    """Every wage and invoice of the current entity with the fund's state (run in its schema)."""
    from config.db import connection
    from tenants.guarantee import port

    from .services import wage_due_on

    entity = connection.tenant
    moves = FundMovement.objects.filter(entity=entity, status=MovementStatus.EXECUTED)
    advances = {m.subject_id: m for m in moves.filter(kind=MovementKind.ADVANCE)}
    covers = {m.subject_id: m for m in moves.filter(kind=MovementKind.COVER)}
    outstanding_by_activity: dict[tuple[uuid.UUID, str], Decimal] = {}

    def activity_outstanding(activity_id: uuid.UUID, currency: str) -> Decimal:
        if (activity_id, currency) not in outstanding_by_activity:
            outstanding_by_activity[(activity_id, currency)] = port.advance_outstanding(activity_id, currency)
        return outstanding_by_activity[(activity_id, currency)]

    wages = []
    for wage in port.wages():
        advance = advances.get(wage.contract_id)
        if not wage.paid:
            state = "guaranteed"
        elif advance is None:
            state = "paid"
        else:
            state = "advanced" if activity_outstanding(wage.activity_id, wage.currency) > 0 else "recovered"
        wages.append(
            WageState(
                contract_id=wage.contract_id,
                member_name=wage.member_name,
                activity_name=wage.activity_name,
                client_name=wage.client_name,
                invoice_number=wage.invoice_number,
                currency=wage.currency,
                cost=wage.cost,
                performed_to=wage.performed_to,
                due_on=wage_due_on(performed_to=wage.performed_to),
                paid_on=wage.paid_on,
                advance=advance.amount if advance else Decimal(0),
                state=state,
            )
        )
    invoices = []
    for invoice in port.invoices():
        cover = covers.get(invoice.invoice_id)
        if cover is not None:
            left = claim_outstanding(cover)
            written_off = FundMovement.objects.filter(
                entity=entity, subject_id=invoice.invoice_id, kind=MovementKind.WRITE_OFF
            ).exists()
            state = "covered" if left > 0 else ("written_off" if written_off else "recovered")
        elif invoice.due <= 0:
            state = "paid"
        elif activity_outstanding(invoice.activity_id, invoice.currency) > 0:
            state = "advanced"
        elif invoice.due_date is not None and invoice.due_date < on:
            state = "awaiting_client"
        else:
            state = "guaranteed"
        invoices.append(
            InvoiceState(
                invoice_id=invoice.invoice_id,
                number=invoice.number,
                activity_name=invoice.activity_name,
                client_name=invoice.client_name,
                currency=invoice.currency,
                total_gross=invoice.total_gross,
                due=invoice.due,
                due_date=invoice.due_date,
                steps=invoice.steps,
                lines=invoice.lines,
                state=state,
            )
        )
    return wages, invoices
