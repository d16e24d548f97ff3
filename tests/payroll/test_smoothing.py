"""Open-ended contracts with income smoothing (C9): exact figures on entities with empty books."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from config.db import connection
from config.errors import PlatformError
from tenants.activities import errors as activity_errors
from tenants.activities.services import activity_add_member
from tenants.billing.services import credit_note_issue, document_create, document_issue, payment_record
from tenants.ledger.models import Account, AccountKind, EntryKind, JournalEntry
from tenants.ledger.selectors import activity_balance, trial_balance
from tenants.ledger.services import entry_reverse
from tenants.payroll import errors
from tenants.payroll.models import SmoothingAgreement, SmoothingFunding, SmoothingSalary
from tenants.payroll.services import contract_sign
from tenants.payroll.smoothing import (
    SMOOTHING_ALERT_MONTHS,
    smoothing_alerts,
    smoothing_end,
    smoothing_fund,
    smoothing_open,
    smoothing_pay_salary,
    smoothing_reserve_balance,
    smoothing_simulate,
)

from .. import factories
from ..factories import DAY, line

pytestmark = pytest.mark.django_db

APRIL, MAY, JUNE = datetime.date(2026, 4, 1), datetime.date(2026, 5, 1), datetime.date(2026, 6, 1)


def _books_exact() -> None:
    """Every currency's trial balance sums to zero, and PostgreSQL's commit-time check agrees now."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for totals in trial_balance().values():
        assert sum(totals.values()) == 0


def _invoice(activity, amount: str, on: datetime.date = DAY, vat: str = "21"):
    doc = document_create(
        kind="invoice",
        activity=activity,
        client=factories.client(),
        currency=activity.currency,
        lines=[line(amount, vat=vat)],
    )
    return document_issue(invoice=doc, on=on)


def _funded(amount: str, currency: str = "EUR", vat: str = "21"):
    holder = factories.member()
    activity = factories.activity(holder=holder, currency=currency)
    _invoice(activity, amount, vat=vat)
    return activity, holder


def _open(member, activities, gross: str, currency: str = "EUR", **extra):
    return smoothing_open(
        member=member,
        activities=activities,
        currency=currency,
        monthly_gross=Decimal(gross),
        starts_on=extra.pop("starts_on", datetime.date(2026, 3, 1)),
        **extra,
    )


def _counts() -> tuple[int, int, int, int]:
    return (
        JournalEntry.objects.count(),
        SmoothingAgreement.objects.count(),
        SmoothingFunding.objects.count(),
        SmoothingSalary.objects.count(),
    )


def test_every_entity_has_the_reserve_account(in_books_eur):
    reserve = Account.objects.get(kind=AccountKind.SMOOTHING_RESERVE)
    assert (reserve.code, reserve.activity_id) == ("2260", None)


def test_funding_moves_wages_from_the_activity_into_the_reserve(in_books_eur):
    activity, holder = _funded("2000.00")  # 2000.00 - 6.5 % = 1870.00
    agreement = _open(holder, [activity], "1000.00")
    assert (agreement.status, agreement.monthly_gross, agreement.ends_on) == ("active", Decimal("1000.00"), None)
    assert smoothing_reserve_balance(agreement) == Decimal("0.00")
    _books_exact()

    funding = smoothing_fund(agreement=agreement, activity=activity, amount=Decimal("1500.004"), on=DAY, by="alice")
    assert (funding.amount, funding.currency, funding.guarantee_reference) == (Decimal("1500.00"), "EUR", "")
    entry = funding.entry
    assert (entry.kind, entry.date, entry.source, entry.posted_by) == (
        EntryKind.SMOOTHING_FUNDED,
        DAY,
        f"payroll.smoothing:{agreement.public_id}",
        "alice",
    )
    lines = sorted((line.account.kind, line.amount, line.currency, line.activity_id) for line in entry.lines.all())
    assert lines == [
        ("activity", Decimal("1500.00"), "EUR", activity.pk),
        ("smoothing_reserve", Decimal("-1500.00"), "EUR", activity.pk),
    ]
    assert activity_balance(activity.pk, "EUR") == Decimal("370.00")
    assert smoothing_reserve_balance(agreement) == Decimal("1500.00")
    assert smoothing_reserve_balance(agreement, as_of=DAY - datetime.timedelta(days=1)) == Decimal("0.00")
    assert trial_balance()["EUR"]["2260"] == Decimal("-1500.00")
    _books_exact()

    # The balance is read from the ledger: reversing the funding empties the reserve again.
    entry_reverse(entry=entry, reason="wrong activity", on=DAY)
    assert smoothing_reserve_balance(agreement) == Decimal("0.00")
    assert activity_balance(activity.pk, "EUR") == Decimal("1870.00")
    _books_exact()


def test_funding_beyond_the_activity_balance_is_refused_with_the_figures(in_books_eur):
    activity, holder = _funded("2000.00")  # 1870.00
    agreement = _open(holder, [activity], "1000.00")
    before = _counts()
    with pytest.raises(PlatformError) as refused:
        smoothing_fund(agreement=agreement, activity=activity, amount=Decimal("1870.01"), on=DAY)
    assert refused.value.code == activity_errors.NOT_COVERED
    assert refused.value.status == 409
    assert refused.value.details == {"balance": "1870.00", "cost": "1870.01", "shortfall": "0.01", "currency": "EUR"}
    assert "0.01 EUR missing" in str(refused.value.message)
    assert _counts() == before
    assert smoothing_reserve_balance(agreement) == Decimal("0.00")
    assert activity_balance(activity.pk, "EUR") == Decimal("1870.00")
    _books_exact()


def test_funding_only_from_the_agreements_activities_and_a_positive_amount(in_books_eur):
    activity, holder = _funded("2000.00")
    other = factories.activity(holder=holder)
    _invoice(other, "2000.00")
    agreement = _open(holder, [activity], "1000.00")
    before = _counts()
    with pytest.raises(PlatformError) as refused:
        smoothing_fund(agreement=agreement, activity=other, amount=Decimal("10.00"), on=DAY)
    assert refused.value.code == errors.SMOOTHING_ACTIVITY_NOT_LINKED
    for amount in (Decimal("0"), Decimal("0.004"), Decimal("-5")):
        with pytest.raises(PlatformError) as refused:
            smoothing_fund(agreement=agreement, activity=activity, amount=amount, on=DAY)
        assert refused.value.code == errors.SMOOTHING_AMOUNT_INVALID
    assert _counts() == before


def test_the_monthly_salary_is_paid_once_per_month(in_books_eur):
    activity, holder = _funded("2000.00")
    agreement = _open(holder, [activity], "1000.00")  # costs 1350.00 a month (Belgian coefficient 1.35)
    smoothing_fund(agreement=agreement, activity=activity, amount=Decimal("1500.00"), on=DAY)

    salary = smoothing_pay_salary(agreement=agreement, month=datetime.date(2026, 4, 17), on=datetime.date(2026, 4, 30))
    assert (salary.month, salary.paid_on, salary.gross, salary.coefficient, salary.employer_cost) == (
        APRIL,
        datetime.date(2026, 4, 30),
        Decimal("1000.00"),
        Decimal("1.3500"),
        Decimal("1350.00"),
    )
    lines = sorted((line.account.kind, line.amount) for line in salary.entry.lines.all())
    assert lines == [("bank", Decimal("-1350.00")), ("smoothing_reserve", Decimal("1350.00"))]
    assert salary.entry.kind == EntryKind.SMOOTHING_SALARY
    assert smoothing_reserve_balance(agreement) == Decimal("150.00")
    assert trial_balance()["EUR"]["1000"] == Decimal("-1350.00")
    _books_exact()

    before = _counts()
    with pytest.raises(PlatformError) as refused:
        smoothing_pay_salary(agreement=agreement, month=APRIL, on=datetime.date(2026, 4, 30))
    assert (refused.value.code, refused.value.status) == (errors.SMOOTHING_MONTH_ALREADY_PAID, 409)
    assert "2026-04" in str(refused.value.message)
    assert _counts() == before
    assert smoothing_reserve_balance(agreement) == Decimal("150.00")

    # Whoever writes, the database keeps one salary per agreement and month.
    unique = "payroll_smoothing_one_salary_per_month"
    with pytest.raises(IntegrityError, match=unique), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO payroll_smoothingsalary (public_id, agreement_id, month, paid_on, currency, gross,"
            " coefficient, employer_cost, entry_id, created_at)"
            " VALUES (gen_random_uuid(), %s, %s, %s, 'EUR', 1, 1, 1, %s, now())",
            [agreement.pk, APRIL, APRIL, agreement.fundings.get().entry_id],
        )
    assert SmoothingSalary.objects.filter(agreement=agreement).count() == 1
    _books_exact()


def test_a_salary_the_reserve_cannot_cover_is_refused_with_the_figures(in_books_eur):
    activity, holder = _funded("3000.00")  # 2805.00
    agreement = _open(holder, [activity], "1000.00")
    smoothing_fund(agreement=agreement, activity=activity, amount=Decimal("1500.00"), on=DAY)
    smoothing_pay_salary(agreement=agreement, month=APRIL, on=APRIL)
    before = _counts()
    with pytest.raises(PlatformError) as refused:
        smoothing_pay_salary(agreement=agreement, month=MAY, on=MAY)
    assert (refused.value.code, refused.value.status) == (errors.SMOOTHING_RESERVE_INSUFFICIENT, 409)
    assert refused.value.details == {"balance": "150.00", "cost": "1350.00", "shortfall": "1200.00", "currency": "EUR"}
    assert "1200.00 EUR missing" in str(refused.value.message)
    assert _counts() == before
    _books_exact()
    # Topped up by exactly the shortfall, May is paid and the reserve is empty.
    smoothing_fund(agreement=agreement, activity=activity, amount=Decimal("1200.00"), on=MAY)
    smoothing_pay_salary(agreement=agreement, month=MAY, on=MAY)
    assert smoothing_reserve_balance(agreement) == Decimal("0.00")
    assert activity_balance(activity.pk, "EUR") == Decimal("105.00")
    assert trial_balance()["EUR"]["1000"] == Decimal("-2700.00")
    _books_exact()


def test_a_new_coefficient_applies_from_its_month(in_books_eur):
    from tenants.payroll.models import EmployerCostRate

    activity, holder = _funded("5000.00")  # 4675.00
    agreement = _open(holder, [activity], "1000.00")
    smoothing_fund(agreement=agreement, activity=activity, amount=Decimal("4675.00"), on=DAY)
    EmployerCostRate.objects.create(coefficient=Decimal("1.4000"), effective_from=MAY)
    assert smoothing_pay_salary(agreement=agreement, month=APRIL, on=APRIL).employer_cost == Decimal("1350.00")
    assert smoothing_pay_salary(agreement=agreement, month=MAY, on=MAY).employer_cost == Decimal("1400.00")
    assert smoothing_reserve_balance(agreement) == Decimal("1925.00")
    _books_exact()


def test_huf_is_smoothed_in_whole_forints(in_books_huf):
    activity, holder = _funded("200000", currency="HUF", vat="27")  # levy 13000 -> 187000 HUF
    agreement = _open(holder, [activity], "123456.6", currency="HUF")
    assert agreement.monthly_gross == Decimal("123457")
    funding = smoothing_fund(agreement=agreement, activity=activity, amount=Decimal("150000.4"), on=DAY)
    assert funding.amount == Decimal("150000")
    assert activity_balance(activity.pk, "HUF") == Decimal("37000")
    _books_exact()
    salary = smoothing_pay_salary(agreement=agreement, month=APRIL, on=APRIL)
    # 123457 x 1.13 (Hungarian coefficient) = 139506.41 -> 139506 forints
    assert (salary.gross, salary.coefficient, salary.employer_cost) == (
        Decimal("123457"),
        Decimal("1.1300"),
        Decimal("139506"),
    )
    assert smoothing_reserve_balance(agreement) == Decimal("10494")
    assert str(smoothing_reserve_balance(agreement)) == "10494"
    assert trial_balance()["HUF"]["2260"] == Decimal("-10494")
    _books_exact()
    with pytest.raises(PlatformError) as refused:
        smoothing_pay_salary(agreement=agreement, month=MAY, on=MAY)
    assert refused.value.details == {"balance": "10494", "cost": "139506", "shortfall": "129012", "currency": "HUF"}


def test_opening_checks(in_books_eur):
    activity, holder = _funded("100.00")
    stranger = factories.member()
    sek = factories.activity(holder=holder, currency="SEK")
    cases: list[tuple[dict[str, Any], str]] = [
        (dict(activities=[]), errors.SMOOTHING_NO_ACTIVITY),
        (dict(member=stranger), errors.NOT_A_MEMBER),
        (dict(activities=[activity, sek]), errors.CURRENCY_MISMATCH),
        (dict(gross="0.004"), errors.GROSS_INVALID),
        (dict(ends_on=datetime.date(2026, 2, 28)), errors.DATES_INVALID),
    ]
    for change, code in cases:
        fields: dict[str, Any] = {"member": holder, "activities": [activity], "gross": "1000.00", **change}
        with pytest.raises(PlatformError) as refused:
            _open(fields.pop("member"), fields.pop("activities"), fields.pop("gross"), **fields)
        assert refused.value.code == code, change
    assert SmoothingAgreement.objects.count() == 0

    # A partner of the activity (not only its holder) can be paid through it; one active agreement each.
    partner = factories.member()
    activity_add_member(activity=activity, member=partner, role="partner", on=DAY)
    _open(partner, [activity], "500.00")
    agreement = _open(holder, [activity, activity], "1000.00", ends_on=datetime.date(2026, 12, 31))
    assert list(agreement.activities.all()) == [activity]
    with pytest.raises(PlatformError) as refused:
        _open(holder, [activity], "900.00")
    assert (refused.value.code, refused.value.status) == (errors.SMOOTHING_ALREADY_ACTIVE, 409)
    with pytest.raises(IntegrityError, match="payroll_smoothing_one_active_per_member"), transaction.atomic():
        SmoothingAgreement.objects.create(
            member=holder, currency="EUR", monthly_gross=Decimal(1), starts_on=datetime.date(2026, 3, 1)
        )


def test_ending_an_agreement(in_books_eur):
    activity, holder = _funded("10000.00")  # 9350.00
    agreement = _open(holder, [activity], "1000.00")
    smoothing_fund(agreement=agreement, activity=activity, amount=Decimal("5000.00"), on=DAY)
    smoothing_pay_salary(agreement=agreement, month=MAY, on=MAY)
    with pytest.raises(PlatformError) as refused:
        smoothing_end(agreement=agreement, on=datetime.date(2026, 4, 30))  # May already paid
    assert (refused.value.code, refused.value.status) == (errors.SMOOTHING_PAID_AFTER_END, 409)
    with pytest.raises(PlatformError) as refused:
        smoothing_end(agreement=agreement, on=datetime.date(2026, 2, 1))
    assert refused.value.code == errors.DATES_INVALID

    ended = smoothing_end(agreement=agreement, on=datetime.date(2026, 6, 15))
    assert (ended.status, ended.ends_on) == ("ended", datetime.date(2026, 6, 15))
    with pytest.raises(PlatformError) as refused:
        smoothing_end(agreement=agreement, on=datetime.date(2026, 6, 15))
    assert refused.value.code == errors.SMOOTHING_ENDED
    with pytest.raises(PlatformError) as refused:
        smoothing_fund(agreement=agreement, activity=activity, amount=Decimal("1.00"), on=JUNE)
    assert refused.value.code == errors.SMOOTHING_ENDED
    for month in (datetime.date(2026, 7, 1), datetime.date(2026, 2, 1)):
        with pytest.raises(PlatformError) as refused:
            smoothing_pay_salary(agreement=agreement, month=month, on=JUNE)
        assert refused.value.code == errors.SMOOTHING_MONTH_OUTSIDE
    smoothing_pay_salary(agreement=agreement, month=JUNE, on=datetime.date(2026, 6, 30))  # its last month
    assert smoothing_reserve_balance(agreement) == Decimal("2300.00")  # stays in the ledger, visible
    # The member may now open a new agreement.
    assert _open(holder, [activity], "800.00", starts_on=datetime.date(2026, 7, 1)).status == "active"
    _books_exact()


def test_the_simulator_on_a_constructed_history(in_books_eur):
    as_of = datetime.date(2026, 6, 30)  # window: 2025-07-01 .. 2026-06-30
    member = factories.member()
    a = factories.activity(holder=member)
    b = factories.activity(holder=member)
    elsewhere = factories.activity()  # the member is only a partner there: not their income
    activity_add_member(activity=elsewhere, member=member, role="partner", on=DAY)

    old = _invoice(a, "1000.00", on=datetime.date(2025, 6, 30))  # outside the window, paid: not counted
    payment_record(invoice=old, amount=Decimal("1210.00"), currency="EUR", on=datetime.date(2025, 7, 10))
    _invoice(a, "2000.00", on=datetime.date(2025, 7, 1))  # income 1870.00
    _invoice(a, "4000.00", on=datetime.date(2026, 3, 2))  # income 3740.00, unpaid: counted once
    reversed_invoice = _invoice(a, "500.00", on=datetime.date(2026, 4, 1))
    entry_reverse(  # reversed inside the window: nets to nothing
        entry=JournalEntry.objects.get(source=f"billing.invoice:{reversed_invoice.public_id}"),
        reason="issued twice",
        on=datetime.date(2026, 4, 2),
    )
    corrected = _invoice(b, "1000.00", on=as_of)  # 935.00
    credit_note_issue(invoice=corrected, lines=[line("200.00")], on=as_of)  # -200.00 + 13.00 -> 748.00
    _invoice(a, "3000.00", on=datetime.date(2026, 7, 15))  # to come, unpaid: order 2805.00
    _invoice(b, "1000.00", on=datetime.date(2025, 5, 1))  # before the window, unpaid: order 935.00
    _invoice(elsewhere, "5000.00", on=datetime.date(2026, 1, 5))  # not held: ignored
    # Outflows are not income: a contract and a funding of the reserve change nothing but the reserve.
    contract_sign(
        member=member,
        activity=a,
        kind="wage",
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2026, 2, 1),
        country="BE",
        gross=Decimal("100.00"),
        currency="EUR",
    )
    agreement = _open(member, [a], "600.00", starts_on=datetime.date(2026, 5, 1))
    smoothing_fund(agreement=agreement, activity=a, amount=Decimal("2000.00"), on=datetime.date(2026, 5, 1))
    smoothing_fund(agreement=agreement, activity=a, amount=Decimal("100.00"), on=datetime.date(2026, 7, 20))  # later
    _books_exact()

    simulation = smoothing_simulate(member, as_of=as_of)
    assert (simulation.window_from, simulation.window_to, simulation.months, simulation.currency) == (
        datetime.date(2025, 7, 1),
        as_of,
        12,
        "EUR",
    )
    assert simulation.income == Decimal("6358.00")  # 1870.00 + 3740.00 + 748.00
    assert simulation.orders == Decimal("3740.00")  # 2805.00 + 935.00
    assert simulation.income_base == Decimal("10098.00")
    # 10098.00 / 12 = 841.50 a month of employer cost; / 1.35 = 623.33 gross; x 1.35 = 841.4955 -> 841.50
    assert (simulation.coefficient, simulation.monthly_gross, simulation.monthly_employer_cost) == (
        Decimal("1.3500"),
        Decimal("623.33"),
        Decimal("841.50"),
    )
    assert (simulation.reserve, simulation.reserve_months) == (Decimal("2000.00"), 2)  # 2000.00 // 841.50

    six = smoothing_simulate(member, as_of=as_of, months=6)  # window 2026-01-01 .. 2026-06-30
    assert (six.window_from, six.income) == (datetime.date(2026, 1, 1), Decimal("4488.00"))  # 3740.00 + 748.00
    # The unpaid 2025-07 invoice is now outside the window, so it moves from income to orders (counted once).
    assert six.orders == Decimal("5610.00")  # 2805.00 + 935.00 + 1870.00
    assert six.income_base == Decimal("10098.00")


def test_the_simulator_with_nothing_to_smooth(in_books_huf):
    member = factories.member()
    factories.activity(holder=member, currency="HUF")
    simulation = smoothing_simulate(member, as_of=DAY)
    assert (simulation.currency, simulation.income_base, simulation.monthly_gross) == ("HUF", Decimal(0), Decimal(0))
    assert (simulation.reserve, simulation.reserve_months) == (Decimal(0), None)
    with pytest.raises(PlatformError) as refused:
        smoothing_simulate(member, as_of=DAY, months=0)
    assert refused.value.code == errors.SMOOTHING_MONTHS_INVALID


def test_alerts_list_the_reserves_about_to_run_dry(in_books_eur):
    assert SMOOTHING_ALERT_MONTHS == 2
    activity, _ = _funded("20000.00")  # 18700.00

    def agreement_with(reserve: str):
        member = factories.member()
        activity_add_member(activity=activity, member=member, role="partner", on=DAY)
        agreement = _open(member, [activity], "1000.00")  # 1350.00 a month
        if Decimal(reserve):
            smoothing_fund(agreement=agreement, activity=activity, amount=Decimal(reserve), on=DAY)
        return agreement

    two_months = agreement_with("2700.00")  # exactly two months: no alert
    almost = agreement_with("2699.99")  # one month and a bit
    empty = agreement_with("0")
    ended = agreement_with("100.00")
    smoothing_end(agreement=ended, on=datetime.date(2026, 3, 31))
    _books_exact()

    alerts = smoothing_alerts(as_of=datetime.date(2026, 4, 1))
    assert [alert.agreement for alert in alerts] == [empty.public_id, almost.public_id]
    assert [(a.reserve, a.monthly_employer_cost, a.months_covered, a.missing) for a in alerts] == [
        (Decimal("0.00"), Decimal("1350.00"), 0, Decimal("2700.00")),
        (Decimal("2699.99"), Decimal("1350.00"), 1, Decimal("0.01")),
    ]
    assert alerts[1].member_name == almost.member.display_name
    assert two_months.public_id not in {alert.agreement for alert in alerts}

    # A salary paid brings the two-month reserve under the threshold; a stricter threshold lists it too.
    smoothing_pay_salary(agreement=two_months, month=APRIL, on=APRIL)
    assert two_months.public_id in {alert.agreement for alert in smoothing_alerts(as_of=APRIL)}
    assert [a.agreement for a in smoothing_alerts(as_of=DAY, min_months=3)] == [
        empty.public_id,
        almost.public_id,
        two_months.public_id,
    ]
    # As of a day before any funding, every active reserve is empty.
    assert len(smoothing_alerts(as_of=datetime.date(2026, 3, 1))) == 3
    _books_exact()
