"""Financing: advances on granted subsidies and equipment loans, paid from the financing pool.

Every payout posts, in one transaction run in the entity's schema, the entity's entry and the pool's
entry (whose idempotency key is unique), after locking the request: a repeated click or a replayed
call pays once. Repayments ride on the funder's payment (``PAYMENT_HOOKS``) or on the activity's
budget (instalments), once per payment or per instalment.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from config.db import connection, dangerously_all_entities
from shared_services.models import Pool, PoolAccount
from shared_services.selectors import pool_balance
from shared_services.services import PoolPosting, pool_endow, pool_entry_post
from tenants.ledger import financing_port as port
from tenants.ledger.money import round_amount
from tenants.registry.models import Entity

from . import errors
from .models import AdvanceStatus, EquipmentLoan, InstalmentStatus, LoanInstalment, LoanStatus, SubsidyAdvance

POOL = Pool.FINANCING


def _entity() -> Entity:
    tenant = connection.tenant
    if not isinstance(tenant, Entity):
        raise RuntimeError("financing: this runs inside an entity's schema")
    return tenant


def _lock_pool(currency: str) -> Decimal:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"financing-pool:{currency}"])
    with dangerously_all_entities():  # the pool's cash is the group's, asked from an entity's context
        return pool_balance(pool=POOL, account=PoolAccount.CASH, currency=currency)


def financing_endow(*, amount: Decimal, currency: str, key: str, on: datetime.date, by: str = "") -> None:
    if not isinstance(amount, Decimal) or amount <= 0:
        raise errors.catalog.error(errors.AMOUNT_INVALID, field="amount")
    pool_endow(pool=POOL, amount=amount, currency=currency, key=key, on=on, by=by)


# --- Advances on granted subsidies ---------------------------------------------------------------------


def _advanced_on(entity: Entity, grant_id: uuid.UUID) -> Decimal:
    rows = SubsidyAdvance.objects.filter(
        entity=entity, grant_id=grant_id, status__in=[AdvanceStatus.REQUESTED, AdvanceStatus.PAID]
    )
    total = rows.aggregate(amount=Sum("amount"), repaid=Sum("repaid"))
    return (total["amount"] or Decimal(0)) - (total["repaid"] or Decimal(0))


def advance_available(*, grant_id: uuid.UUID) -> Decimal:
    """What can still be advanced on the grant: unpaid by the funder minus advances not repaid."""
    grant = port.grant_facts(grant_id)
    return max(grant.due - _advanced_on(_entity(), grant_id), Decimal(0))


def advance_request(*, grant_id: uuid.UUID, amount: Decimal, by: str) -> SubsidyAdvance:
    """An entity's staff ask for an advance on a funding agreement already granted (run in its schema)."""
    entity = _entity()
    grant = port.grant_facts(grant_id)
    if not isinstance(amount, Decimal) or round_amount(amount, grant.currency) <= 0:
        raise errors.catalog.error(errors.AMOUNT_INVALID, field="amount")
    amount = round_amount(amount, grant.currency)
    with transaction.atomic():
        with connection.cursor() as cursor:  # one request at a time per grant
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"financing-grant:{grant_id}"])
        available = max(grant.due - _advanced_on(entity, grant_id), Decimal(0))
        if amount > available:
            raise errors.catalog.error(
                errors.ADVANCE_OVER_GRANT, status=409, field="amount", available=available, currency=grant.currency
            )
        return SubsidyAdvance.objects.create(
            entity=entity,
            grant_id=grant.invoice_id,
            grant_number=grant.number,
            funder_name=grant.funder_name,
            activity_id=grant.activity_id,
            activity_name=grant.activity_name,
            currency=grant.currency,
            amount=amount,
            requested_by=by,
        )


def advance_decide(*, advance_id: uuid.UUID, approve: bool, on: datetime.date, by: str) -> SubsidyAdvance:
    """The financing team pays the advance out (or declines it); run in the advance's entity schema."""
    entity = _entity()
    with transaction.atomic():
        advance = SubsidyAdvance.objects.select_for_update().get(public_id=advance_id, entity=entity)
        if advance.status != AdvanceStatus.REQUESTED:
            raise errors.catalog.error(errors.NOT_PENDING, status=409)
        advance.decided_by, advance.decided_on = by, on
        if not approve:
            advance.status = AdvanceStatus.DECLINED
            advance.save(update_fields=["status", "decided_by", "decided_on"])
            return advance
        cash = _lock_pool(advance.currency)
        if advance.amount > cash:
            raise errors.catalog.error(
                errors.POOL_INSUFFICIENT, status=409, cash=cash, amount=advance.amount, currency=advance.currency
            )
        key = f"financing.subsidy_advance:{advance.public_id}"
        port.subsidy_advance_receive(invoice_id=advance.grant_id, amount=advance.amount, on=on, reference=key, by=by)
        dims: dict[str, Any] = {"entity_id": entity.pk, "activity_id": advance.activity_id}
        pool_entry_post(
            pool=POOL,
            kind="subsidy_advance",
            on=on,
            description=f"{advance.grant_number} {advance.funder_name}",
            source=key,
            idempotency_key=key,
            postings=[
                PoolPosting(PoolAccount.SUBSIDY_ADVANCES, advance.amount, advance.currency, **dims),
                PoolPosting(PoolAccount.CASH, -advance.amount, advance.currency, **dims),
            ],
            entity_id=entity.pk,
            posted_by=by,
        )
        advance.status = AdvanceStatus.PAID
        advance.save(update_fields=["status", "decided_by", "decided_on"])
    return advance


def financing_payment_received(facts: Any) -> None:
    """PAYMENT_HOOKS: a funder's payment on a grant repays the advances made on it first (oldest
    first, once per payment: the pool's key is the payment's)."""
    entity = _entity()
    advances = SubsidyAdvance.objects.select_for_update().filter(
        entity=entity, grant_id=facts.invoice_id, status=AdvanceStatus.PAID
    )
    left = facts.amount
    for advance in advances.order_by("requested_at", "id"):
        share = min(advance.amount - advance.repaid, left)
        if share <= 0:
            continue
        key = f"financing.subsidy_repayment:{facts.payment_id}:{advance.public_id}"
        port.subsidy_advance_repay(invoice_id=facts.invoice_id, amount=share, on=facts.received_on, reference=key)
        dims: dict[str, Any] = {"entity_id": entity.pk, "activity_id": advance.activity_id}
        pool_entry_post(
            pool=POOL,
            kind="subsidy_repayment",
            on=facts.received_on,
            description=f"{advance.grant_number} {advance.funder_name}",
            source=f"financing.subsidy_advance:{advance.public_id}",
            idempotency_key=key,
            postings=[
                PoolPosting(PoolAccount.CASH, share, advance.currency, **dims),
                PoolPosting(PoolAccount.SUBSIDY_ADVANCES, -share, advance.currency, **dims),
            ],
            entity_id=entity.pk,
        )
        advance.repaid += share
        if advance.repaid == advance.amount:
            advance.status = AdvanceStatus.REPAID
        advance.save(update_fields=["repaid", "status"])
        left -= share


# --- Use of funds ----------------------------------------------------------------------------------------

# The three ways money may leave an activity, and what else may debit its account.
EXIT_OF_KIND = {
    "contract_signed": "wages_fees_authors_rights",
    "smoothing_funded": "wages_fees_authors_rights",
    "expense_approved": "expense_refunds",
    "invoice_issued": "levy",
    "funding_granted": "levy",
    "credit_note_issued": "income_given_back",
    "equipment_loan_repayment": "loan_repayments",
    "reversal": "corrections",
}


@dataclass(frozen=True)
class UseOfFunds:
    activity_name: str
    currency: str
    balance: Decimal
    groups: dict[str, Decimal]  # exit -> total
    entries: dict[str, int]
    other: Decimal  # anything that left by another way: always zero (the ledger refuses it)


def use_of_funds(*, activity_id: uuid.UUID) -> UseOfFunds:
    activity = port.activity_ref(activity_id)
    groups: dict[str, Decimal] = {}
    entries: dict[str, int] = {}
    other = Decimal(0)
    for row in port.activity_debits(activity_id, activity.currency):
        exit_name = EXIT_OF_KIND.get(row.kind)
        if exit_name is None:
            other += row.total
            continue
        groups[exit_name] = groups.get(exit_name, Decimal(0)) + row.total
        entries[exit_name] = entries.get(exit_name, 0) + row.entries
    return UseOfFunds(activity.name, activity.currency, activity.balance, groups, entries, other)


# --- Equipment loans ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    number: int
    due_on: datetime.date
    principal: Decimal
    interest: Decimal


def _add_months(day: datetime.date, months: int) -> datetime.date:
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def loan_schedule(
    *, principal: Decimal, annual_rate: Decimal, months: int, first_due_on: datetime.date, currency: str
) -> list[Instalment]:
    """Equal monthly instalments (annuity); each rounded by the currency's rule, the last one taking
    what rounding left so that the principals add up to the amount lent exactly."""
    rate = annual_rate / Decimal(1200)
    payment = principal / months if rate == 0 else principal * rate / (1 - (1 + rate) ** -months)
    payment = round_amount(payment, currency)
    left, schedule = principal, []
    for number in range(1, months + 1):
        interest = round_amount((left * rate).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), currency)
        part = left if number == months else min(round_amount(payment - interest, currency), left)
        schedule.append(Instalment(number, _add_months(first_due_on, number - 1), part, interest))
        left -= part
    return schedule


def loan_request(
    *,
    activity_id: uuid.UUID,
    purpose: str,
    principal: Decimal,
    annual_rate: Decimal,
    months: int,
    first_due_on: datetime.date,
    by: str,
) -> EquipmentLoan:
    entity = _entity()
    activity = port.activity_ref(activity_id)
    if (
        not isinstance(principal, Decimal)
        or round_amount(principal, activity.currency) <= 0
        or annual_rate < 0
        or not 1 <= months <= 120
        or not (purpose or "").strip()
    ):
        raise errors.catalog.error(errors.TERMS_INVALID)
    return EquipmentLoan.objects.create(
        entity=entity,
        activity_id=activity.activity_id,
        activity_name=activity.name,
        purpose=purpose.strip()[:300],
        currency=activity.currency,
        principal=round_amount(principal, activity.currency),
        annual_rate=annual_rate,
        months=months,
        first_due_on=first_due_on,
        requested_by=by,
    )


def loan_decide(*, loan_id: uuid.UUID, approve: bool, on: datetime.date, by: str) -> EquipmentLoan:
    entity = _entity()
    with transaction.atomic():
        loan = EquipmentLoan.objects.select_for_update().get(public_id=loan_id, entity=entity)
        if loan.status != LoanStatus.REQUESTED:
            raise errors.catalog.error(errors.NOT_PENDING, status=409)
        loan.decided_by = by
        if not approve:
            loan.status = LoanStatus.DECLINED
            loan.save(update_fields=["status", "decided_by"])
            return loan
        cash = _lock_pool(loan.currency)
        if loan.principal > cash:
            raise errors.catalog.error(
                errors.POOL_INSUFFICIENT, status=409, cash=cash, amount=loan.principal, currency=loan.currency
            )
        key = f"financing.loan:{loan.public_id}"
        port.equipment_loan_receive(
            activity_id=loan.activity_id, amount=loan.principal, currency=loan.currency, on=on, reference=key, by=by
        )
        dims: dict[str, Any] = {"entity_id": entity.pk, "activity_id": loan.activity_id}
        pool_entry_post(
            pool=POOL,
            kind="equipment_loan",
            on=on,
            description=loan.purpose,
            source=key,
            idempotency_key=key,
            postings=[
                PoolPosting(PoolAccount.LOANS, loan.principal, loan.currency, **dims),
                PoolPosting(PoolAccount.CASH, -loan.principal, loan.currency, **dims),
            ],
            entity_id=entity.pk,
            posted_by=by,
        )
        LoanInstalment.objects.bulk_create(
            LoanInstalment(loan=loan, number=i.number, due_on=i.due_on, principal=i.principal, interest=i.interest)
            for i in loan_schedule(
                principal=loan.principal,
                annual_rate=loan.annual_rate,
                months=loan.months,
                first_due_on=loan.first_due_on,
                currency=loan.currency,
            )
        )
        loan.status, loan.disbursed_on = LoanStatus.DISBURSED, on
        loan.save(update_fields=["status", "decided_by", "disbursed_on"])
    return loan


def instalments_collect(*, on: datetime.date) -> dict[str, int]:
    """Collect every instalment due by ``on`` in the current entity from its activity's budget; one
    the balance cannot pay is marked late and tried again next time. Idempotent per instalment."""
    entity = _entity()
    result = {"collected": 0, "late": 0}
    due = LoanInstalment.objects.filter(loan__entity=entity, loan__status=LoanStatus.DISBURSED, due_on__lte=on).exclude(
        status=InstalmentStatus.COLLECTED
    )
    for instalment_id in due.order_by("due_on", "id").values_list("pk", flat=True):
        with transaction.atomic():
            instalment = LoanInstalment.objects.select_for_update().select_related("loan").get(pk=instalment_id)
            if instalment.status == InstalmentStatus.COLLECTED:
                continue
            loan = instalment.loan
            key = f"financing.instalment:{loan.public_id}:{instalment.number}"
            paid = port.equipment_loan_instalment_pay(
                activity_id=loan.activity_id, amount=instalment.amount, currency=loan.currency, on=on, reference=key
            )
            if not paid:
                instalment.status = InstalmentStatus.LATE
                instalment.save(update_fields=["status"])
                result["late"] += 1
                continue
            dims: dict[str, Any] = {"entity_id": entity.pk, "activity_id": loan.activity_id}
            postings = [
                PoolPosting(PoolAccount.CASH, instalment.amount, loan.currency, **dims),
                PoolPosting(PoolAccount.LOANS, -instalment.principal, loan.currency, **dims),
            ]
            if instalment.interest:
                postings.append(PoolPosting(PoolAccount.INTEREST, -instalment.interest, loan.currency, **dims))
            pool_entry_post(
                pool=POOL,
                kind="loan_instalment",
                on=on,
                description=f"{loan.purpose} {instalment.number}/{loan.months}",
                source=f"financing.loan:{loan.public_id}",
                idempotency_key=key,
                postings=postings,
                entity_id=entity.pk,
            )
            instalment.status, instalment.collected_on = InstalmentStatus.COLLECTED, on
            instalment.save(update_fields=["status", "collected_on"])
            if not loan.instalments.exclude(status=InstalmentStatus.COLLECTED).exists():
                loan.status = LoanStatus.REPAID
                loan.save(update_fields=["status"])
            result["collected"] += 1
    return result
