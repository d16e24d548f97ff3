"""Decisions and movements of the salary guarantee fund.

Outflows (wage advances, invoice covers) are *decided* under a per-currency lock of the fund, where
the limits are checked against everything at stake including decisions not yet executed, then
*executed* by a tenant task sent on commit (``tasks.movement_execute``): one transaction posts the
entity's ledger entry and the fund's pooled entry (same idempotency key, unique) and marks the
movement executed. A task replayed, retried, run twice at once or killed half-way leaves exactly one
payout; a decision whose task was lost (broker down) is sent again by the sweeper.

Inflows (contributions, repayments, recoveries, write-offs) have nothing to wait for and execute in
the transaction that decides them, keyed the same way.

Functions that touch an entity's books run inside that entity's schema (``tenant_context``).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.db import connection, dangerously_all_entities
from config.errors import PlatformError
from config.faults import fault_point
from shared_services.models import Pool, PoolAccount, PoolEntry
from shared_services.selectors import working_days_after
from shared_services.services import PoolPosting, pool_endow, pool_entry_post
from tenants.guarantee import port
from tenants.ledger.money import round_amount
from tenants.registry.models import Entity, LevyPurpose
from tenants.registry.selectors import levy_policy_for

from . import errors
from .models import PAYOUT_KINDS, DunningRule, FundMovement, MovementKind, MovementStatus
from .selectors import available_cash, exposure, limit_for

WAGE_DELAY_WORKING_DAYS = 7
POOL = Pool.GUARANTEE_FUND


def _lock_currency(currency: str) -> None:
    """Serialise the fund's payout decisions per currency (held until the transaction ends)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"guarantee-fund:{currency}"])


def _current_entity() -> Entity:
    tenant = connection.tenant
    if not isinstance(tenant, Entity):
        raise RuntimeError("guarantee fund: this runs inside an entity's schema")
    return tenant


def _existing(key: str) -> FundMovement | None:
    return FundMovement.objects.filter(idempotency_key=key).first()


def _create(**fields: Any) -> FundMovement:
    """Create the movement once per key: a concurrent duplicate gets the one that won."""
    try:
        with transaction.atomic():
            return FundMovement.objects.create(**fields)
    except IntegrityError:
        existing = _existing(fields["idempotency_key"])
        if existing is None:
            raise
        return existing


def _check_limits(*, entity: Entity, currency: str, amount: Decimal, client_id: uuid.UUID | None) -> None:
    if entity.is_closed:
        raise errors.catalog.error(errors.ENTITY_CLOSED, status=409)
    # The fund's cash and limits are the group's: read across every entity's movements and lines
    # (row-level security keeps the entity's context to its own rows otherwise).
    with dangerously_all_entities():
        _check_figures(entity=entity, currency=currency, amount=amount, client_id=client_id)


def _check_figures(*, entity: Entity, currency: str, amount: Decimal, client_id: uuid.UUID | None) -> None:
    cash = available_cash(currency)
    if amount > cash:
        raise errors.catalog.error(errors.FUND_INSUFFICIENT, status=409, cash=cash, amount=amount, currency=currency)
    at_stake = exposure(currency=currency, entity_id=entity.pk).total
    ceiling = limit_for(scope="entity", entity_id=entity.pk, currency=currency)
    if at_stake + amount > ceiling:
        raise errors.catalog.error(
            errors.ENTITY_LIMIT, status=409, amount=amount, currency=currency, exposure=at_stake, limit=ceiling
        )
    if client_id is not None:
        at_stake = exposure(currency=currency, entity_id=entity.pk, client_id=client_id).total
        ceiling = limit_for(scope="client", entity_id=entity.pk, currency=currency)
        if at_stake + amount > ceiling:
            raise errors.catalog.error(
                errors.CLIENT_LIMIT, status=409, amount=amount, currency=currency, exposure=at_stake, limit=ceiling
            )


def payout_decide(*, key: str, kind: MovementKind, currency: str, amount: Decimal, **fields: Any) -> FundMovement:
    """Decide a payout once per ``key``, within the limits (refused with the figures otherwise, and
    nothing written), and send its execution after commit."""
    assert kind in PAYOUT_KINDS
    entity = _current_entity()
    with transaction.atomic():
        existing = _existing(key)
        if existing is not None:
            return existing
        _lock_currency(currency)
        existing = _existing(key)  # decided by whoever held the lock before us
        if existing is not None:
            return existing
        _check_limits(entity=entity, currency=currency, amount=amount, client_id=fields.get("client_id"))
        movement = _create(idempotency_key=key, kind=kind, entity=entity, currency=currency, amount=amount, **fields)
        from .tasks import movement_execute

        movement_execute.send_on_commit(str(movement.public_id))
    return movement


def _pool_postings(movement: FundMovement) -> list[PoolPosting]:
    amount, currency = movement.amount, movement.currency
    debit, credit = {
        MovementKind.ADVANCE: (PoolAccount.ADVANCES, PoolAccount.CASH),
        MovementKind.COVER: (PoolAccount.CLAIMS, PoolAccount.CASH),
        MovementKind.REPAYMENT: (PoolAccount.CASH, PoolAccount.ADVANCES),
        MovementKind.CONTRIBUTION: (PoolAccount.CASH, PoolAccount.CONTRIBUTIONS),
        MovementKind.RECOVERY: (PoolAccount.CASH, PoolAccount.CLAIMS),
        MovementKind.WRITE_OFF: (PoolAccount.WRITE_OFFS, PoolAccount.CLAIMS),
    }[MovementKind(movement.kind)]
    return [
        PoolPosting(debit, amount, currency, movement.entity_id, movement.activity_id, movement.client_id),
        PoolPosting(credit, -amount, currency, movement.entity_id, movement.activity_id, movement.client_id),
    ]


def _post_pool(movement: FundMovement) -> PoolEntry:
    entry, _ = pool_entry_post(
        pool=POOL,
        kind=movement.kind,
        on=movement.value_date,
        description=f"{movement.get_kind_display()} {movement.subject_label}".strip(),
        source=f"guarantee.movement:{movement.public_id}",
        idempotency_key=movement.idempotency_key,
        postings=_pool_postings(movement),
        entity_id=movement.entity_id,
        posted_by=movement.decided_by,
    )
    return entry


def _entity_side(movement: FundMovement) -> bool:
    """Post the entity's side of the movement; False when there is nothing left to do there."""
    reference = f"guarantee.movement:{movement.public_id}"
    subject = movement.subject_id
    assert subject is not None or movement.kind == MovementKind.CONTRIBUTION
    if movement.kind == MovementKind.ADVANCE:
        assert subject is not None
        # The client may have paid since the decision: advance only what the activity still lacks.
        wage = port.wage_facts(subject)
        cash = port.activity_cash(wage.activity_id, wage.currency)
        needed = min(movement.amount, max(wage.cost - max(cash, Decimal(0)), Decimal(0)))
        if needed <= 0:
            port.wage_pay(contract_id=subject, on=movement.value_date, advance=Decimal(0), reference=reference)
            movement.note = "paid from the activity's cash"
            return False
        movement.amount = needed
        return port.wage_pay(contract_id=subject, on=movement.value_date, advance=needed, reference=reference)
    if movement.kind == MovementKind.COVER:
        assert subject is not None
        facts = port.invoice_facts(subject)
        if facts.due < movement.amount:  # the client paid meanwhile: the cover is no longer owed
            return False
        port.invoice_cover(invoice_id=subject, amount=movement.amount, on=movement.value_date, reference=reference)
        port.dunning_step_reach(invoice_id=subject, step="cover", on=movement.value_date)
        return True
    if movement.kind == MovementKind.REPAYMENT:
        assert movement.activity_id is not None
        port.advance_repay(
            activity_id=movement.activity_id,
            amount=movement.amount,
            currency=movement.currency,
            on=movement.value_date,
            reference=reference,
        )
        return True
    if movement.kind == MovementKind.CONTRIBUTION:
        port.contribution_pay(
            amount=movement.amount, currency=movement.currency, on=movement.value_date, reference=reference
        )
        return True
    return True  # recoveries and write-offs happen between the fund and the client only


def movement_execute(*, movement_id: uuid.UUID) -> FundMovement:
    """Execute a decided movement, exactly once (runs in the movement's entity schema)."""
    entity = _current_entity()
    with transaction.atomic():
        movement = FundMovement.objects.select_for_update().get(public_id=movement_id, entity=entity)
        if movement.status != MovementStatus.DECIDED:
            return movement
        # A decision reads the exposure in several statements: moving this one from "decided" to the
        # ledger while a decision reads could hide it from both reads. Decisions and executions of a
        # currency therefore take turns.
        _lock_currency(movement.currency)
        fault_point("guarantee.execute.before")
        if not _entity_side(movement):
            movement.status = MovementStatus.CANCELLED
            movement.save(update_fields=["status", "note"])
            return movement
        fault_point("guarantee.execute.entity_posted")
        movement.pool_entry = _post_pool(movement)
        movement.status, movement.executed_at = MovementStatus.EXECUTED, timezone.now()
        movement.save(update_fields=["pool_entry", "status", "executed_at", "amount"])
    return movement


def _inflow(*, key: str, kind: MovementKind, currency: str, amount: Decimal, **fields: Any) -> FundMovement:
    """Decide and execute an inflow in the current transaction, once per key."""
    entity = _current_entity()
    with transaction.atomic():
        existing = _existing(key)
        if existing is not None:
            return existing
        movement = _create(idempotency_key=key, kind=kind, entity=entity, currency=currency, amount=amount, **fields)
        if movement.status == MovementStatus.DECIDED:
            return movement_execute(movement_id=movement.public_id)
    return movement


# --- Wages -----------------------------------------------------------------------------------------


def wage_due_on(*, performed_to: datetime.date) -> datetime.date:
    """D+7 working days after the performance, in the entity's country (weekends and holidays off)."""
    return working_days_after(country=_current_entity().country, start=performed_to, days=WAGE_DELAY_WORKING_DAYS)


def guarantee_wage_pay(*, contract_id: uuid.UUID, on: datetime.date, by: str = "") -> FundMovement | None:
    """Pay a due wage, whether or not the client has paid: from the activity's cash when it covers
    the wage (returns None), otherwise with the fund advancing the difference (returns the advance,
    executed after commit). Refused with the reason when the wage is not due yet, already paid, or
    when the advance would cross a limit."""
    wage = port.wage_facts(contract_id)
    if wage.paid:
        raise errors.catalog.error(errors.ALREADY_PAID, status=409)
    due = wage_due_on(performed_to=wage.performed_to)
    if on < due:
        raise errors.catalog.error(errors.NOT_DUE, status=409, due=due)
    key = f"guarantee.advance:{wage.contract_id}"
    existing = _existing(key)
    if existing is not None:
        return existing
    cash = port.activity_cash(wage.activity_id, wage.currency)
    if cash >= wage.cost:
        port.wage_pay(contract_id=contract_id, on=on, advance=Decimal(0), reference=f"guarantee.wage:{contract_id}")
        return None
    advance = round_amount(wage.cost - max(cash, Decimal(0)), wage.currency)
    return payout_decide(
        key=key,
        kind=MovementKind.ADVANCE,
        currency=wage.currency,
        amount=advance,
        activity_id=wage.activity_id,
        activity_name=wage.activity_name,
        client_id=wage.client_id,
        client_name=wage.client_name,
        subject_id=wage.contract_id,
        subject_label=wage.member_name,
        value_date=on,
        decided_by=by,
    )


def guarantee_wages_run(*, on: datetime.date) -> dict[str, int]:
    """Pay every wage due on ``on`` in the current entity (the daily job; idempotent)."""
    result = {"paid": 0, "advanced": 0, "refused": 0}
    for wage in port.wages(unpaid_only=True, performed_until=on):
        if wage_due_on(performed_to=wage.performed_to) > on:
            continue
        try:
            with transaction.atomic():
                movement = guarantee_wage_pay(contract_id=wage.contract_id, on=on, by="guarantee fund")
        except PlatformError:
            result["refused"] += 1
            continue
        result["advanced" if movement is not None else "paid"] += 1
    return result


def guarantee_payment_received(facts: Any) -> None:
    """PAYMENT_HOOKS: money received on an activity repays the fund's advances first (in the payment's
    transaction, once per payment)."""
    outstanding = port.advance_outstanding(facts.activity_id, facts.currency)
    amount = min(outstanding, facts.activity_share)
    if amount <= 0:
        return
    _inflow(
        key=f"guarantee.repayment:{facts.payment_id}",
        kind=MovementKind.REPAYMENT,
        currency=facts.currency,
        amount=amount,
        activity_id=facts.activity_id,
        activity_name=port.activity_name(facts.activity_id),
        client_id=facts.client_id,
        subject_id=facts.payment_id,
        value_date=facts.received_on,
    )


# --- Unpaid invoices -------------------------------------------------------------------------------


def guarantee_dunning_run(*, on: datetime.date) -> dict[str, int]:
    """Move every overdue invoice of the current entity up the ladder; at the last rung the fund
    covers what the client still owes (within the limits; a refusal is tried again the next day)."""
    rules = list(DunningRule.objects.order_by("days_after_due"))
    result = {"steps": 0, "covered": 0, "refused": 0}
    for invoice in port.invoices(unpaid_only=True, overdue_on=on):
        assert invoice.due_date is not None
        late = (on - invoice.due_date).days
        for rule in rules:
            if late < rule.days_after_due or rule.step in invoice.steps:
                continue
            if rule.step != "cover":
                result["steps"] += int(port.dunning_step_reach(invoice_id=invoice.invoice_id, step=rule.step, on=on))
                continue
            try:
                with transaction.atomic():
                    invoice_cover_decide(invoice_id=invoice.invoice_id, on=on, by="guarantee fund")
                result["covered"] += 1
            except PlatformError:
                result["refused"] += 1
    return result


def invoice_cover_decide(*, invoice_id: uuid.UUID, on: datetime.date, by: str = "") -> FundMovement:
    invoice = port.invoice_facts(invoice_id)
    if invoice.due <= 0:
        raise errors.catalog.error(errors.AMOUNT_INVALID, status=409)
    return payout_decide(
        key=f"guarantee.cover:{invoice.invoice_id}",
        kind=MovementKind.COVER,
        currency=invoice.currency,
        amount=invoice.due,
        activity_id=invoice.activity_id,
        activity_name=invoice.activity_name,
        client_id=invoice.client_id,
        client_name=invoice.client_name,
        subject_id=invoice.invoice_id,
        subject_label=invoice.number,
        value_date=on,
        decided_by=by,
    )


def _cover_of(invoice_id: uuid.UUID) -> FundMovement:
    cover = FundMovement.objects.filter(
        entity=_current_entity(), kind=MovementKind.COVER, subject_id=invoice_id, status=MovementStatus.EXECUTED
    ).first()
    if cover is None:
        raise errors.catalog.error(errors.NOT_COVERED, status=409)
    return cover


def _claim_settle(
    *, kind: MovementKind, invoice_id: uuid.UUID, amount: Decimal, on: datetime.date, request_key: str, by: str
) -> FundMovement:
    from .selectors import claim_outstanding

    with transaction.atomic():
        cover = _cover_of(invoice_id)
        key = f"guarantee.{kind}:{request_key}"
        existing = _existing(key)
        if existing is not None:
            return existing  # the same form sent twice
        _lock_currency(cover.currency)
        if not isinstance(amount, Decimal) or round_amount(amount, cover.currency) <= 0:
            raise errors.catalog.error(errors.AMOUNT_INVALID, field="amount")
        amount = round_amount(amount, cover.currency)
        outstanding = claim_outstanding(cover)
        if amount > outstanding:
            raise errors.catalog.error(
                errors.OVER_CLAIM, status=409, field="amount", outstanding=outstanding, currency=cover.currency
            )
        return _inflow(
            key=key,
            kind=kind,
            currency=cover.currency,
            amount=amount,
            activity_id=cover.activity_id,
            activity_name=cover.activity_name,
            client_id=cover.client_id,
            client_name=cover.client_name,
            subject_id=invoice_id,
            subject_label=cover.subject_label,
            value_date=on,
            decided_by=by,
        )


def claim_recover(
    *, invoice_id: uuid.UUID, amount: Decimal, on: datetime.date, request_key: str, by: str = ""
) -> FundMovement:
    """The client paid the fund (part of) what the fund covered."""
    return _claim_settle(
        kind=MovementKind.RECOVERY, invoice_id=invoice_id, amount=amount, on=on, request_key=request_key, by=by
    )


def claim_write_off(
    *, invoice_id: uuid.UUID, amount: Decimal, on: datetime.date, request_key: str, by: str = ""
) -> FundMovement:
    """What will never be recovered becomes the fund's loss."""
    return _claim_settle(
        kind=MovementKind.WRITE_OFF, invoice_id=invoice_id, amount=amount, on=on, request_key=request_key, by=by
    )


# --- Funding ---------------------------------------------------------------------------------------


def _previous_month(on: datetime.date) -> tuple[datetime.date, datetime.date]:
    end = on.replace(day=1) - datetime.timedelta(days=1)
    return end.replace(day=1), end


def guarantee_contribute(*, period_start: datetime.date, period_end: datetime.date) -> list[FundMovement]:
    """The current entity pays the fund its share of the levy earned in the period (the share of the
    levy policy in force at the period's end); once per (entity, period, currency)."""
    entity = _current_entity()
    policy = levy_policy_for(country=entity.country, on=period_end)
    allocation = policy.allocations.filter(purpose=LevyPurpose.GUARANTEE_FUND).first()
    if allocation is None:
        return []
    movements = []
    for currency, levy in sorted(port.levy_between(period_start, period_end).items()):
        amount = round_amount(levy * allocation.share / 100, currency)
        if amount <= 0:
            continue
        movements.append(
            _inflow(
                key=f"guarantee.contribution:{entity.schema_name}:{period_start:%Y-%m-%d}:{period_end:%Y-%m-%d}:"
                f"{currency}",
                kind=MovementKind.CONTRIBUTION,
                currency=currency,
                amount=amount,
                subject_label=f"{period_start:%Y-%m-%d}/{period_end:%Y-%m-%d} {allocation.share}%",
                value_date=period_end,
            )
        )
    return movements


def guarantee_endow(*, amount: Decimal, currency: str, key: str, on: datetime.date, by: str = "") -> PoolEntry:
    """Money the group puts into the fund (its starting capital, a top-up decided by the board)."""
    if not isinstance(amount, Decimal) or amount <= 0:
        raise errors.catalog.error(errors.AMOUNT_INVALID, field="amount")
    return pool_endow(pool=POOL, amount=amount, currency=currency, key=key, on=on, by=by)


def guarantee_entity_daily(*, on: datetime.date) -> dict[str, int]:
    """Everything the fund does each day in the current entity: due wages, dunning, and on the first
    of the month the previous month's contribution. Idempotent per (entity, day)."""
    result = guarantee_wages_run(on=on) | guarantee_dunning_run(on=on)
    if on.day == 1:
        start, end = _previous_month(on)
        result["contributions"] = len(guarantee_contribute(period_start=start, period_end=end))
    return result


def guarantee_daily_fan_out(*, on: datetime.date, send: Callable[[Entity, datetime.date], None]) -> int:
    """The group's daily run: each open entity's own run (sent as a task in its schema), then the
    fund's exposure snapshot of the day."""
    from tenants.registry.models import EntityStatus

    entities = Entity.objects.exclude(status=EntityStatus.CLOSED).exclude(schema_name="public").order_by("pk")
    count = 0
    for entity in entities:
        send(entity, on)
        count += 1
    exposure_snapshot_take(on=on)
    return count


def movements_pending(*, older_than: datetime.timedelta) -> list[FundMovement]:
    return list(
        FundMovement.objects.filter(
            status=MovementStatus.DECIDED, decided_at__lt=timezone.now() - older_than
        ).select_related("entity")
    )


def movements_resend(*, older_than: datetime.timedelta, send: Callable[[FundMovement], None]) -> int:
    """The sweeper: decisions whose execution never ran (the broker was down, the message lost) are
    sent again. Sending twice is harmless (the execution locks the movement and checks its status)."""
    pending = movements_pending(older_than=older_than)
    for movement in pending:
        send(movement)
    return len(pending)


def exposure_snapshot_take(*, on: datetime.date) -> int:
    """Record the fund's position of the day, per currency and per entity and currency (idempotent)."""
    from .models import ExposureSnapshot
    from .selectors import exposure_by, fund_positions

    count = 0
    for position in fund_positions():
        _, created = ExposureSnapshot.objects.get_or_create(
            taken_on=on,
            currency=position.currency,
            entity=None,
            defaults={"cash": position.cash, "advances": position.advances, "claims": position.claims},
        )
        count += int(created)
    for row in exposure_by("entity"):
        _, created = ExposureSnapshot.objects.get_or_create(
            taken_on=on,
            currency=row.currency,
            entity_id=int(row.key),
            defaults={"cash": Decimal(0), "advances": row.advances, "claims": row.claims},
        )
        count += int(created)
    return count
