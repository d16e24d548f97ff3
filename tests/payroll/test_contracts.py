from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from config.errors import PlatformError
from tenants.activities import errors as activity_errors
from tenants.billing.models import Expense
from tenants.billing.services import document_create, document_issue, expense_approve, expense_refund, expense_submit
from tenants.ledger.models import JournalEntry
from tenants.ledger.selectors import activity_balance, trial_balance
from tenants.payroll import errors
from tenants.payroll.models import Contract, EmployerCostRate
from tenants.payroll.services import contract_pay, contract_sign

from .. import factories
from ..factories import DAY, line

pytestmark = pytest.mark.django_db


def _funded_activity(amount: str = "1000.00"):
    holder = factories.member()
    activity = factories.activity(holder=holder)
    doc = document_create(
        kind="invoice", activity=activity, client=factories.client(), currency="EUR", lines=[line(amount)]
    )
    document_issue(invoice=doc, on=DAY)
    return activity, holder


def _sign(activity, member, amount: str, kind: str = "wage", **extra):
    fields = dict(
        member=member,
        activity=activity,
        kind=kind,
        starts_on=DAY,
        ends_on=DAY,
        country="BE",
        gross=Decimal(amount),
        currency="EUR",
    )
    fields.update(extra)
    return contract_sign(**fields)


def test_a_wage_costs_gross_times_the_entitys_coefficient(in_books_eur):
    activity, holder = _funded_activity()  # balance 935.00
    assert EmployerCostRate.objects.get().coefficient == Decimal("1.3500")  # Belgian default, entity data
    contract = _sign(activity, holder, "500.00")
    assert (contract.coefficient, contract.employer_cost) == (Decimal("1.3500"), Decimal("675.00"))
    assert activity_balance(activity.pk, "EUR") == Decimal("260.00")
    fees = _sign(activity, holder, "100.00", kind="fees")
    rights = _sign(activity, holder, "100.00", kind="authors_rights")
    assert (fees.employer_cost, rights.employer_cost) == (Decimal("100.00"), Decimal("100.00"))
    assert activity_balance(activity.pk, "EUR") == Decimal("60.00")
    assert trial_balance()["EUR"]["2200"] == Decimal("-775.00")
    assert trial_balance()["EUR"]["2250"] == Decimal("-100.00")


def test_a_new_coefficient_applies_from_its_date(in_books_eur):
    activity, holder = _funded_activity()
    EmployerCostRate.objects.create(coefficient=Decimal("1.4000"), effective_from=datetime.date(2026, 3, 1))
    assert _sign(activity, holder, "100.00").employer_cost == Decimal("140.00")
    earlier = _sign(activity, holder, "100.00", starts_on=datetime.date(2026, 2, 1), ends_on=datetime.date(2026, 2, 1))
    assert earlier.employer_cost == Decimal("135.00")


def test_a_contract_the_balance_cannot_cover_is_refused_with_the_figures(in_books_eur):
    activity, holder = _funded_activity()  # 935.00
    before = (Contract.objects.count(), JournalEntry.objects.count())
    with pytest.raises(PlatformError) as refused:
        _sign(activity, holder, "700.00")  # costs 945.00
    assert refused.value.code == activity_errors.NOT_COVERED
    assert refused.value.status == 409
    assert refused.value.details == {"balance": "935.00", "cost": "945.00", "shortfall": "10.00", "currency": "EUR"}
    assert "10.00 EUR missing" in str(refused.value.message)
    assert (Contract.objects.count(), JournalEntry.objects.count()) == before


def test_the_guarantee_fund_seam_can_cover_a_shortfall(in_books_eur, settings):
    settings.OUTFLOW_GUARANTEE = "tests.payroll.test_contracts.fund_that_covers"
    activity, holder = _funded_activity()
    contract = _sign(activity, holder, "700.00")
    assert contract.guarantee_reference == "GF-TEST-10.00"
    assert activity_balance(activity.pk, "EUR") == Decimal("-10.00")


def fund_that_covers(*, activity, currency, cost, shortfall, purpose) -> str:
    return f"GF-TEST-{shortfall}"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"kind": "dividend"}, errors.OUTFLOW_KIND_NOT_ALLOWED),
        ({"kind": "share_purchase"}, errors.OUTFLOW_KIND_NOT_ALLOWED),
        ({"ends_on": datetime.date(2026, 3, 1)}, errors.DATES_INVALID),
        ({"gross": Decimal("0")}, errors.GROSS_INVALID),
        ({"country": "XX"}, errors.COUNTRY_UNKNOWN),
        ({"currency": "SEK"}, errors.CURRENCY_MISMATCH),
    ],
)
def test_bad_contracts_are_refused(in_books_eur, change, code):
    activity, holder = _funded_activity()
    before = (Contract.objects.count(), JournalEntry.objects.count())
    with pytest.raises(PlatformError) as refused:
        _sign(activity, holder, "10.00", **change)
    assert refused.value.code == code
    assert (Contract.objects.count(), JournalEntry.objects.count()) == before


def test_only_members_of_the_activity_get_a_contract(in_books_eur):
    activity, _ = _funded_activity()
    with pytest.raises(PlatformError) as refused:
        _sign(activity, factories.member(), "10.00")
    assert refused.value.code == errors.NOT_A_MEMBER


def test_a_contract_is_paid_once(in_books_eur):
    activity, holder = _funded_activity()
    contract = _sign(activity, holder, "100.00")
    paid = contract_pay(contract=contract, on=DAY)
    assert (paid.status, paid.paid_on) == ("paid", DAY)
    with pytest.raises(PlatformError) as refused:
        contract_pay(contract=contract, on=DAY)
    assert refused.value.code == errors.ALREADY_PAID
    assert trial_balance()["EUR"]["2200"] == Decimal("0.00")
    assert trial_balance()["EUR"]["1000"] == Decimal("-135.00")


def test_expenses_are_refunded_from_the_activity_budget(in_books_eur):
    activity, holder = _funded_activity("100.00")  # 93.50
    expense = expense_submit(
        activity=activity, member=holder, description="Train to Liège", amount=Decimal("23.40"), currency="EUR", on=DAY
    )
    expense_approve(expense=expense, on=DAY)
    assert activity_balance(activity.pk, "EUR") == Decimal("70.10")
    expense_refund(expense=expense, on=DAY)
    assert Expense.objects.get().status == "refunded"
    too_much = expense_submit(
        activity=activity, member=holder, description="Camera", amount=Decimal("70.11"), currency="EUR", on=DAY
    )
    with pytest.raises(PlatformError) as refused:
        expense_approve(expense=too_much, on=DAY)
    assert refused.value.code == activity_errors.NOT_COVERED
    assert Expense.objects.get(pk=too_much.pk).status == "submitted"
    with pytest.raises(PlatformError):
        expense_refund(expense=too_much, on=DAY)  # not approved
