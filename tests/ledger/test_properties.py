"""Property test: whatever sequence of operations staff perform, the books stay exact.

Random sequences of declarations, payments, credit notes, expenses, contracts, wage payments and
reversals run in one entity; after every step each currency's trial balance is exactly zero (also as
PostgreSQL checks it at commit), every activity's balance equals the sum of its ledger lines and the
figure the operations imply, and a refused step changes nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django_tenants.utils import tenant_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.db import connection
from config.errors import PlatformError
from tenants.billing.models import Expense, Invoice
from tenants.billing.services import (
    credit_note_issue,
    document_due,
    expense_approve,
    expense_refund,
    expense_submit,
    payment_record,
)
from tenants.declarations.services import Performer, declare_performance
from tenants.ledger.models import AccountKind, JournalEntry, JournalLine
from tenants.ledger.money import round_amount
from tenants.ledger.selectors import activity_balances, trial_balance
from tenants.ledger.services import entry_reverse
from tenants.payroll.models import Contract
from tenants.payroll.services import contract_pay, contract_sign

from .. import factories
from ..factories import line

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 1)

amounts = st.integers(min_value=1, max_value=2_000_000).map(lambda cents: Decimal(cents) / 100)
fractions = st.sampled_from([Decimal("0.1"), Decimal("0.5"), Decimal("1"), Decimal("1.2")])
steps = st.one_of(
    st.tuples(st.just("declare"), st.integers(0, 2), amounts, amounts),
    st.tuples(st.just("pay"), st.integers(0, 30), fractions),
    st.tuples(st.just("credit"), st.integers(0, 30), fractions),
    st.tuples(st.just("expense"), st.integers(0, 2), amounts),
    st.tuples(st.just("refund"), st.integers(0, 30)),
    st.tuples(st.just("contract"), st.integers(0, 2), amounts, st.sampled_from(["wage", "fees", "authors_rights"])),
    st.tuples(st.just("pay_contract"), st.integers(0, 30)),
    st.tuples(st.just("reverse"), st.integers(0, 60)),
)


def _snapshot() -> tuple[object, ...]:
    return (JournalEntry.objects.count(), Invoice.objects.count(), Contract.objects.count(), trial_balance())


def _check_books(activities, expected: dict[int, Decimal], currency: str) -> None:
    with connection.cursor() as cursor:  # what PostgreSQL will check at commit, checked now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for totals in trial_balance().values():
        assert sum(totals.values()) == 0
    for activity in activities:
        lines = JournalLine.objects.filter(account__kind=AccountKind.ACTIVITY, account__activity=activity)
        by_hand = -sum((posted.amount for posted in lines), Decimal(0))
        assert activity_balances(activity.pk).get(currency, Decimal(0)) == by_hand == expected[activity.pk]


def _activity_delta(entry: JournalEntry) -> dict[int | None, Decimal]:
    delta: dict[int | None, Decimal] = defaultdict(Decimal)
    for posted in entry.lines.filter(account__kind=AccountKind.ACTIVITY).select_related("account"):
        delta[posted.account.activity_id] -= posted.amount
    return delta


def _run(steps_list, currency: str) -> None:
    holder = factories.member()
    activities = [factories.activity(holder=holder, currency=currency) for _ in range(3)]
    client = factories.client()
    expected: dict[int, Decimal] = {a.pk: Decimal(0) for a in activities}
    for step in steps_list:
        before = _snapshot()
        before_expected = dict(expected)
        try:
            with transaction.atomic():
                _apply(step, activities, holder, client, currency, expected)
        except PlatformError:
            expected.clear()
            expected.update(before_expected)
            assert _snapshot() == before  # a refused step changed nothing
        _check_books(activities, expected, currency)


def _apply(step, activities, holder, client, currency, expected) -> None:
    kind = step[0]
    invoices = list(Invoice.objects.filter(kind="invoice").order_by("id"))
    if kind == "declare":
        _, idx, net, gross = step
        activity = activities[idx]
        declaration = declare_performance(
            activity=activity,
            client=client,
            lines=[line(str(net))],
            performers=[Performer(holder, gross)],
            performed_from=DAY,
            performed_to=DAY,
            country="BE",
            on=DAY,
        )
        contract = declaration.contracts.get()
        expected[activity.pk] += (
            declaration.invoice.total_net - declaration.invoice.levy_amount - contract.employer_cost
        )
    elif kind == "pay" and invoices:
        _, idx, fraction = step
        invoice = invoices[idx % len(invoices)]
        amount = round_amount(document_due(invoice) * fraction, currency)
        payment_record(invoice=invoice, amount=amount, currency=currency, on=DAY)
    elif kind == "credit" and invoices:
        _, idx, fraction = step
        invoice = invoices[idx % len(invoices)]
        note = credit_note_issue(
            invoice=invoice, lines=[line(str(round_amount(invoice.total_net * fraction, currency)))], on=DAY
        )
        expected[invoice.activity_id] -= note.total_net - note.levy_amount
    elif kind == "expense":
        _, idx, amount = step
        activity = activities[idx]
        expense = expense_submit(
            activity=activity, member=holder, description="costs", amount=amount, currency=currency, on=DAY
        )
        expense_approve(expense=expense, on=DAY)
        expected[activity.pk] -= expense.amount
    elif kind == "refund":
        approved = list(Expense.objects.filter(status="approved").order_by("id"))
        if approved:
            expense_refund(expense=approved[step[1] % len(approved)], on=DAY)
    elif kind == "contract":
        _, idx, gross, contract_kind = step
        contract = contract_sign(
            member=holder,
            activity=activities[idx],
            kind=contract_kind,
            starts_on=DAY,
            ends_on=DAY,
            country="BE",
            gross=gross,
            currency=currency,
        )
        expected[activities[idx].pk] -= contract.employer_cost
    elif kind == "pay_contract":
        signed = list(Contract.objects.filter(status="signed").order_by("id"))
        if signed:
            contract_pay(contract=signed[step[1] % len(signed)], on=DAY)
    elif kind == "reverse":
        entries = list(JournalEntry.objects.exclude(kind="reversal").order_by("id"))
        if entries:
            entry = entries[step[1] % len(entries)]
            entry_reverse(entry=entry, reason="correction", on=DAY)
            for activity_id, delta in _activity_delta(entry).items():
                expected[activity_id] -= delta


@pytest.mark.parametrize("books", ["books_eur", "books_huf"])  # EUR to the cent, HUF to the forint
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps_list=st.lists(steps, min_size=1, max_size=12))
def test_books_stay_exact_under_any_sequence(group, books, steps_list):
    entity = getattr(group, books)
    with tenant_context(entity), transaction.atomic():
        _run(steps_list, entity.currency)
        transaction.set_rollback(True)  # each example starts from the same empty entity
