"""Open-ended contracts with income smoothing (C9).

Income a member earns across many performances (done or to come) is pooled in a reserve and paid out
as a steady monthly salary:

* ``smoothing_open``: the agreement (member, the activities feeding it, currency, monthly gross);
* ``smoothing_fund``: wages moved from one activity's balance into the member's reserve. It is the
  activity's wage outflow (entry kind ``smoothing_funded``), refused with the figures when the
  activity's balance does not cover it;
* ``smoothing_pay_salary``: one month's salary (gross x the entity's employer-cost coefficient in force
  that month) paid from the reserve, exactly once per agreement and month (the database refuses a
  second one too);
* ``smoothing_end``.

The reserve's balance is never stored: it is the balance of the ``smoothing_reserve`` ledger account
over the entries whose source is the agreement (reversals keep the source, so a reversed movement is
netted out). Reads: ``smoothing_reserve_balance``, the simulator ``smoothing_simulate`` and the
warning list ``smoothing_alerts`` ("the platform warns before the reserve runs dry").
"""

from __future__ import annotations

import calendar
import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum

from config.db import connection
from tenants.activities.coverage import activity_require_cover
from tenants.activities.models import Activity, ActivityRole
from tenants.billing.models import FUNDING_KINDS, Invoice, InvoiceKind, InvoiceStatus
from tenants.ledger import memos
from tenants.ledger.models import AccountKind, EntryKind, JournalLine
from tenants.ledger.money import round_amount
from tenants.ledger.services import Posting, account, entry_post
from tenants.members.models import Member

from . import errors
from .models import SmoothingAgreement, SmoothingFunding, SmoothingSalary, SmoothingStatus
from .services import employer_cost_rate_on

# Warn when an active agreement's reserve covers fewer than this many months of salary cost.
SMOOTHING_ALERT_MONTHS = 2

# Entries that credit (or give back) an activity's income: what the simulator counts as income.
INCOME_ENTRY_KINDS = frozenset({EntryKind.INVOICE_ISSUED, EntryKind.FUNDING_GRANTED, EntryKind.CREDIT_NOTE_ISSUED})

_ZERO = Decimal("0.00")


# --- helpers ---------------------------------------------------------------------------------------


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _months_covered(reserve: Decimal, monthly_cost: Decimal) -> int:
    if monthly_cost <= 0 or reserve <= 0:
        return 0
    return int(reserve // monthly_cost)


@dataclass(frozen=True)
class MonthlyCost:
    gross: Decimal
    coefficient: Decimal
    employer_cost: Decimal  # what one month takes from the reserve


def smoothing_monthly_cost(agreement: SmoothingAgreement, *, on: datetime.date) -> MonthlyCost:
    """The month's gross salary and its cost with the employer-cost coefficient in force on ``on``."""
    coefficient = employer_cost_rate_on(on).coefficient
    gross = round_amount(agreement.monthly_gross, agreement.currency)
    return MonthlyCost(gross, coefficient, round_amount(gross * coefficient, agreement.currency))


# --- services --------------------------------------------------------------------------------------


def smoothing_open(
    *,
    member: Member,
    activities: Sequence[Activity],
    currency: str,
    monthly_gross: Decimal,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> SmoothingAgreement:
    """Open an open-ended contract for ``member``, fed by ``activities`` (the member takes part in each,
    all in ``currency``). A member has at most one active agreement."""
    feeding = list({activity.pk: activity for activity in activities}.values())
    if not feeding:
        raise errors.catalog.error(errors.SMOOTHING_NO_ACTIVITY, field="activities")
    if ends_on is not None and ends_on < starts_on:
        raise errors.catalog.error(errors.DATES_INVALID, field="ends_on")
    if not isinstance(monthly_gross, Decimal) or round_amount(monthly_gross, currency) <= 0:
        raise errors.catalog.error(errors.GROSS_INVALID, field="monthly_gross")
    for activity in feeding:
        if activity.currency != currency:
            raise errors.catalog.error(errors.CURRENCY_MISMATCH, field="currency", expected=activity.currency)
        if not activity.memberships.filter(member=member).exists():
            raise errors.catalog.error(errors.NOT_A_MEMBER, field="activities")
    employer_cost_rate_on(starts_on)  # refused now rather than at the first payslip
    with transaction.atomic():
        Member.objects.select_for_update().get(pk=member.pk)  # one opening at a time per member
        if SmoothingAgreement.objects.filter(member=member, status=SmoothingStatus.ACTIVE).exists():
            raise errors.catalog.error(errors.SMOOTHING_ALREADY_ACTIVE, status=409)
        agreement = SmoothingAgreement.objects.create(
            member=member,
            currency=currency,
            monthly_gross=round_amount(monthly_gross, currency),
            starts_on=starts_on,
            ends_on=ends_on,
        )
        agreement.activities.set(feeding)
    return agreement


def _require_running(agreement: SmoothingAgreement, on: datetime.date) -> None:
    if agreement.status != SmoothingStatus.ACTIVE or (agreement.ends_on is not None and on > agreement.ends_on):
        raise errors.catalog.error(errors.SMOOTHING_ENDED, status=409)


def smoothing_fund(
    *, agreement: SmoothingAgreement, activity: Activity, amount: Decimal, on: datetime.date, by: str = ""
) -> SmoothingFunding:
    """Move ``amount`` from the activity's balance into the agreement's reserve: the activity's wage
    outflow, refused with the figures when its balance does not cover it (unless the guarantee fund
    covers the shortfall, as for contracts)."""
    if not isinstance(amount, Decimal) or round_amount(amount, agreement.currency) <= 0:
        raise errors.catalog.error(errors.SMOOTHING_AMOUNT_INVALID, field="amount")
    with transaction.atomic():
        locked = (
            SmoothingAgreement.objects.select_for_update(of=("self",)).select_related("member").get(pk=agreement.pk)
        )
        _require_running(locked, on)
        if not locked.activities.filter(pk=activity.pk).exists():
            raise errors.catalog.error(errors.SMOOTHING_ACTIVITY_NOT_LINKED, field="activity")
        currency = locked.currency
        amount = round_amount(amount, currency)
        source = Activity.objects.select_for_update().get(pk=activity.pk)  # one outflow at a time per activity
        guarantee = activity_require_cover(activity=source, currency=currency, cost=amount, purpose="smoothing")
        member_name = locked.member.display_name
        entry = entry_post(
            kind=EntryKind.SMOOTHING_FUNDED,
            on=on,
            description=f"{member_name} ← {source.name}",
            source=locked.ledger_source,
            posted_by=by,
            postings=[
                Posting(source.account, amount, currency, source.pk, memos.SMOOTHING_FUNDED),
                Posting(account(AccountKind.SMOOTHING_RESERVE), -amount, currency, source.pk, member_name),
            ],
        )
        return SmoothingFunding.objects.create(
            agreement=locked,
            activity=source,
            funded_on=on,
            amount=amount,
            currency=currency,
            entry=entry,
            guarantee_reference=guarantee,
        )


def smoothing_pay_salary(
    *, agreement: SmoothingAgreement, month: datetime.date, on: datetime.date, by: str = ""
) -> SmoothingSalary:
    """Pay the salary of ``month`` (any day of it) from the reserve, once: a second call for the same
    month is refused, and the database refuses a second salary row even if this check is bypassed."""
    month = _month_start(month)
    with transaction.atomic():
        locked = (
            SmoothingAgreement.objects.select_for_update(of=("self",)).select_related("member").get(pk=agreement.pk)
        )
        last_month = _month_start(locked.ends_on) if locked.ends_on is not None else None
        if month < _month_start(locked.starts_on) or (last_month is not None and month > last_month):
            raise errors.catalog.error(
                errors.SMOOTHING_MONTH_OUTSIDE,
                field="month",
                month=f"{month:%Y-%m}",
                starts_on=locked.starts_on,
                ends_on=locked.ends_on or "-",
            )
        if SmoothingSalary.objects.filter(agreement=locked, month=month).exists():
            raise errors.catalog.error(errors.SMOOTHING_MONTH_ALREADY_PAID, status=409, month=f"{month:%Y-%m}")
        cost = smoothing_monthly_cost(locked, on=month)
        balance = smoothing_reserve_balance(locked)
        if balance < cost.employer_cost:
            raise errors.catalog.error(
                errors.SMOOTHING_RESERVE_INSUFFICIENT,
                status=409,
                balance=balance,
                cost=cost.employer_cost,
                shortfall=cost.employer_cost - balance,
                currency=locked.currency,
            )
        entry = entry_post(
            kind=EntryKind.SMOOTHING_SALARY,
            on=on,
            description=f"{locked.member.display_name} {month:%Y-%m}",
            source=locked.ledger_source,
            posted_by=by,
            postings=[
                Posting(account(AccountKind.SMOOTHING_RESERVE), cost.employer_cost, locked.currency),
                Posting(account(AccountKind.BANK), -cost.employer_cost, locked.currency),
            ],
        )
        try:
            with transaction.atomic():
                return SmoothingSalary.objects.create(
                    agreement=locked,
                    month=month,
                    paid_on=on,
                    currency=locked.currency,
                    gross=cost.gross,
                    coefficient=cost.coefficient,
                    employer_cost=cost.employer_cost,
                    entry=entry,
                )
        except IntegrityError as exc:  # written behind this service's back meanwhile: the entry rolls back
            raise errors.catalog.error(errors.SMOOTHING_MONTH_ALREADY_PAID, status=409, month=f"{month:%Y-%m}") from exc


def smoothing_end(*, agreement: SmoothingAgreement, on: datetime.date) -> SmoothingAgreement:
    """End the agreement on ``on``: no more funding, no salary for a later month. Salaries of months up
    to the end can still be paid; what is left in the reserve stays there (visible in the ledger)."""
    with transaction.atomic():
        locked = SmoothingAgreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status == SmoothingStatus.ENDED:
            raise errors.catalog.error(errors.SMOOTHING_ENDED, status=409)
        if on < locked.starts_on:
            raise errors.catalog.error(errors.DATES_INVALID, field="on")
        last = locked.salaries.order_by("-month").first()
        if last is not None and last.month > _month_start(on):
            raise errors.catalog.error(
                errors.SMOOTHING_PAID_AFTER_END, status=409, ends_on=on, month=f"{last.month:%Y-%m}"
            )
        locked.status, locked.ends_on = SmoothingStatus.ENDED, on
        locked.save(update_fields=["status", "ends_on"])
    return locked


# --- selectors -------------------------------------------------------------------------------------


def _reserve_balances(agreements: Iterable[SmoothingAgreement], as_of: datetime.date | None) -> dict[int, Decimal]:
    """Reserve per agreement (pk), in its currency, read from the ledger in one query."""
    by_source = {agreement.ledger_source: agreement for agreement in agreements}
    totals = {agreement.pk: _ZERO for agreement in by_source.values()}
    if by_source:
        lines = JournalLine.objects.filter(
            account__kind=AccountKind.SMOOTHING_RESERVE, entry__source__in=list(by_source)
        )
        if as_of is not None:
            lines = lines.filter(entry__date__lte=as_of)
        for row in lines.values("entry__source", "currency").annotate(total=Sum("amount")).order_by("entry__source"):
            agreement = by_source[row["entry__source"]]
            if row["currency"] == agreement.currency:
                totals[agreement.pk] -= row["total"]  # owed to the member: the balance is the credit
    return {agreement.pk: round_amount(totals[agreement.pk], agreement.currency) for agreement in by_source.values()}


def smoothing_reserve_balance(agreement: SmoothingAgreement, *, as_of: datetime.date | None = None) -> Decimal:
    """What the agreement's reserve holds (in its currency), from the ledger; up to ``as_of`` if given."""
    return _reserve_balances([agreement], as_of)[agreement.pk]


@dataclass(frozen=True)
class SmoothingSimulation:
    member_id: int
    currency: str
    months: int
    window_from: datetime.date  # first day counted
    window_to: datetime.date  # as_of, last day counted
    income: Decimal  # net income credited to the member's activities in the window (ledger)
    orders: Decimal  # issued, unpaid documents not already in ``income`` ("signed orders")
    income_base: Decimal  # income + orders
    coefficient: Decimal
    monthly_gross: Decimal  # the salary the base sustains over ``months`` months
    monthly_employer_cost: Decimal
    reserve: Decimal  # the member's reserve on as_of (agreements in this currency)
    reserve_months: int | None  # months of that salary the reserve covers (None: no salary to cover)


def smoothing_simulate(
    member: Member, *, as_of: datetime.date, months: int = 12, currency: str | None = None
) -> SmoothingSimulation:
    """The monthly salary the member's recent income and signed orders can sustain.

    * income: the net income (after the single percentage, net of credit notes and reversals)
      credited in the ledger to the activities the member holds, over the ``months`` months ending on
      ``as_of`` included (as_of 2026-06-30, 12 months: 2025-07-01 to 2026-06-30);
    * orders: there is no order model yet, so issued but unpaid invoices and funding agreements of
      those activities stand for signed orders, at what they bring the activity (net minus the single
      percentage, minus credit notes). The ledger credits an activity when a document is issued, so an
      unpaid document issued inside the window is already in ``income`` and is not counted twice:
      orders are the unpaid documents issued outside the window (after ``as_of``, or earlier);
    * the base spread over ``months`` months is the monthly employer cost; divided by the entity's
      employer-cost coefficient on ``as_of`` it gives the sustainable monthly gross.
    """
    if months < 1:
        raise errors.catalog.error(errors.SMOOTHING_MONTHS_INVALID, field="months")
    currency = currency or str(getattr(connection.tenant, "currency", ""))
    window_from = _add_months(as_of + datetime.timedelta(days=1), -months)  # the window: [window_from, as_of]
    held = list(
        Activity.objects.filter(
            memberships__member=member, memberships__role=ActivityRole.HOLDER, currency=currency
        ).values_list("pk", flat=True)
    )
    in_window = Q(issue_date__gte=window_from, issue_date__lte=as_of)

    income_lines = JournalLine.objects.filter(
        account__kind=AccountKind.ACTIVITY,
        account__activity_id__in=held,
        currency=currency,
        entry__date__gte=window_from,
        entry__date__lte=as_of,
    ).filter(
        Q(entry__kind__in=INCOME_ENTRY_KINDS)
        | Q(entry__kind=EntryKind.REVERSAL, entry__reverses__kind__in=INCOME_ENTRY_KINDS)
    )
    income = round_amount(_ZERO - (income_lines.aggregate(total=Sum("amount"))["total"] or _ZERO), currency)

    unpaid = Invoice.objects.filter(
        activity_id__in=held,
        currency=currency,
        kind__in=[InvoiceKind.INVOICE, *FUNDING_KINDS],
        status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID],
    ).exclude(in_window)
    issued = unpaid.aggregate(net=Sum("total_net"), levy=Sum("levy_amount"))
    credited = (
        Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE, credit_of__in=unpaid)
        .exclude(in_window)  # a credit note inside the window already reduced ``income``
        .aggregate(net=Sum("total_net"), levy=Sum("levy_amount"))
    )
    orders = round_amount(
        (issued["net"] or _ZERO)
        - (issued["levy"] or _ZERO)
        - ((credited["net"] or _ZERO) - (credited["levy"] or _ZERO)),
        currency,
    )

    base = income + orders
    coefficient = employer_cost_rate_on(as_of).coefficient
    if base > 0:
        gross = round_amount(base / months / coefficient, currency)
        cost = round_amount(gross * coefficient, currency)
    else:
        gross = cost = round_amount(_ZERO, currency)
    agreements = SmoothingAgreement.objects.filter(member=member, currency=currency, starts_on__lte=as_of)
    reserve = round_amount(sum(_reserve_balances(agreements, as_of).values(), _ZERO), currency)
    return SmoothingSimulation(
        member_id=member.pk,
        currency=currency,
        months=months,
        window_from=window_from,
        window_to=as_of,
        income=income,
        orders=orders,
        income_base=base,
        coefficient=coefficient,
        monthly_gross=gross,
        monthly_employer_cost=cost,
        reserve=reserve,
        reserve_months=_months_covered(reserve, cost) if cost > 0 else None,
    )


@dataclass(frozen=True)
class SmoothingAlert:
    agreement: uuid.UUID  # SmoothingAgreement.public_id
    member_id: int
    member_name: str
    currency: str
    reserve: Decimal
    monthly_employer_cost: Decimal
    months_covered: int
    missing: Decimal  # what brings the reserve up to the threshold


def smoothing_alerts(*, as_of: datetime.date, min_months: int = SMOOTHING_ALERT_MONTHS) -> list[SmoothingAlert]:
    """Active agreements whose reserve on ``as_of`` covers fewer than ``min_months`` months of salary
    cost, the least covered first: the platform warns before the reserve runs dry."""
    if min_months < 1:
        raise errors.catalog.error(errors.SMOOTHING_MONTHS_INVALID, field="min_months")
    agreements = list(
        SmoothingAgreement.objects.filter(status=SmoothingStatus.ACTIVE)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=as_of))
        .select_related("member")
        .order_by("id")
    )
    balances = _reserve_balances(agreements, as_of)
    alerts = []
    for agreement in agreements:
        cost = smoothing_monthly_cost(agreement, on=as_of).employer_cost
        reserve = balances[agreement.pk]
        needed = cost * min_months
        if reserve < needed:
            alerts.append(
                SmoothingAlert(
                    agreement=agreement.public_id,
                    member_id=agreement.member_id,
                    member_name=agreement.member.display_name,
                    currency=agreement.currency,
                    reserve=reserve,
                    monthly_employer_cost=cost,
                    months_covered=_months_covered(reserve, cost),
                    missing=needed - reserve,
                )
            )
    alerts.sort(key=lambda alert: alert.reserve / alert.monthly_employer_cost)
    return alerts
