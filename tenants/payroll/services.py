"""Contracts per performance (C4): the cost to the activity, checked against its balance, posted."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from config.db import connection
from tenants.activities.coverage import activity_require_cover
from tenants.activities.models import Activity
from tenants.ledger import memos
from tenants.ledger.models import AccountKind, EntryKind
from tenants.ledger.money import round_amount
from tenants.ledger.services import Posting, account, entry_post
from tenants.members.models import Member
from tenants.registry.validators import country_codes

from . import errors
from .models import Contract, ContractKind, ContractStatus, EmployerCostRate

# Starting coefficients (gross -> cost to the activity: employer social contributions, holiday pay).
# Entity data from then on, versioned in EmployerCostRate; review them with each entity's payroll office.
DEFAULT_COEFFICIENTS = {
    "BE": Decimal("1.3500"),
    "FR": Decimal("1.4500"),
    "NL": Decimal("1.2500"),
    "DE": Decimal("1.2100"),
    "AT": Decimal("1.2900"),
    "SE": Decimal("1.3142"),
    "ES": Decimal("1.3000"),
    "IT": Decimal("1.3000"),
    "HU": Decimal("1.1300"),
}


def payroll_provision() -> None:
    """The entity's first employer-cost coefficient (run inside its schema when it is created)."""
    country = str(getattr(connection.tenant, "country", ""))
    EmployerCostRate.objects.get_or_create(
        effective_from=datetime.date(2000, 1, 1),
        defaults={"coefficient": DEFAULT_COEFFICIENTS.get(country, Decimal("1.3000")), "note": "initial default"},
    )


def _payable_account(kind: str) -> AccountKind:
    """Where a contract's cost waits until it is paid: author's rights apart from wages and fees."""
    return AccountKind.AUTHORS_RIGHTS_PAYABLE if kind == ContractKind.AUTHORS_RIGHTS else AccountKind.WAGES_PAYABLE


def employer_cost_rate_on(on: datetime.date) -> EmployerCostRate:
    rate = EmployerCostRate.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if rate is None:
        raise errors.catalog.error(errors.NO_COEFFICIENT, status=409, date=on)
    return rate


def contract_sign(
    *,
    member: Member,
    activity: Activity,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    country: str,
    gross: Decimal,
    currency: str,
    by: str = "",
) -> Contract:
    """Sign a contract for one performance and charge its cost to the activity.

    Refused when the activity's balance does not cover the cost, with the figures, unless the
    guarantee fund covers the shortfall."""
    if kind not in ContractKind.values:
        raise errors.catalog.error(errors.OUTFLOW_KIND_NOT_ALLOWED, field="kind", kind=kind)
    if ends_on < starts_on:
        raise errors.catalog.error(errors.DATES_INVALID, field="ends_on")
    if not isinstance(gross, Decimal) or round_amount(gross, currency) <= 0:
        raise errors.catalog.error(errors.GROSS_INVALID, field="gross")
    country = (country or "").upper()
    if country not in country_codes():
        raise errors.catalog.error(errors.COUNTRY_UNKNOWN, field="country")
    if currency != activity.currency:
        raise errors.catalog.error(errors.CURRENCY_MISMATCH, field="currency", expected=activity.currency)
    if not activity.memberships.filter(member=member).exists():
        raise errors.catalog.error(errors.NOT_A_MEMBER, field="member")
    gross = round_amount(gross, currency)
    coefficient = employer_cost_rate_on(starts_on).coefficient if kind == ContractKind.WAGE else Decimal("1.0000")
    cost = round_amount(gross * coefficient, currency)
    with transaction.atomic():
        Activity.objects.select_for_update().get(pk=activity.pk)  # one outflow at a time per activity
        guarantee = activity_require_cover(activity=activity, currency=currency, cost=cost, purpose=kind)
        contract = Contract.objects.create(
            kind=kind,
            member=member,
            activity=activity,
            starts_on=starts_on,
            ends_on=ends_on,
            country=country,
            currency=currency,
            gross=gross,
            coefficient=coefficient,
            employer_cost=cost,
            guarantee_reference=guarantee,
        )
        payable = _payable_account(kind)
        entry_post(
            kind=EntryKind.CONTRACT_SIGNED,
            on=starts_on,
            description=f"{member.display_name} {starts_on:%Y-%m-%d}",
            source=f"payroll.contract:{contract.public_id}",
            posted_by=by,
            postings=[
                Posting(activity.account, cost, currency, activity.pk, memos.CONTRACT[kind]),
                Posting(account(payable), -cost, currency, activity.pk),
            ],
        )
    return contract


def contract_pay(*, contract: Contract, on: datetime.date, by: str = "") -> Contract:
    """Pay what the contract owes (once: a second call is refused, a replay changes nothing)."""
    with transaction.atomic():
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if locked.status == ContractStatus.PAID:
            raise errors.catalog.error(errors.ALREADY_PAID, status=409)
        payable = _payable_account(locked.kind)
        entry_post(
            kind=EntryKind.WAGE_PAID,
            on=on,
            description=f"{locked.member.display_name} {locked.starts_on:%Y-%m-%d}",
            source=f"payroll.contract:{locked.public_id}",
            posted_by=by,
            postings=[
                Posting(account(payable), locked.employer_cost, locked.currency, locked.activity_id),
                Posting(account(AccountKind.BANK), -locked.employer_cost, locked.currency, locked.activity_id),
            ],
        )
        locked.status, locked.paid_on = ContractStatus.PAID, on
        locked.save(update_fields=["status", "paid_on"])
    return locked
