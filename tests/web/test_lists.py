"""Search, filters and pagination narrow the lists to exactly the expected rows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tenants.activities.services import activity_change_stage
from tenants.billing.services import expense_approve, expense_submit, payment_record
from tenants.payroll.services import contract_pay
from tests import factories

from .conftest import declare, rows, text

pytestmark = pytest.mark.django_db


def names(response, table: str) -> list[str]:
    return [row.split(" ")[0] + " " + row.split(" ")[1] for row in rows(response, table)]


def test_members_search_category_and_pages(books):
    with books.inside():
        for n in range(26):
            factories.member(first_name=f"Pagey{n:02d}", last_name="Quokkason")
        factories.member(first_name="Lena", last_name="Quokkadottir", email="lena@quokka.test", category="partner")
        factories.member(first_name="Otto", last_name="Elsewhere", email="otto@quokka.test")

    first = books.get("member_list", {"q": "quokkason"})
    assert names(first, "members") == [f"Pagey{n:02d} Quokkason" for n in range(25)]
    second = books.get("member_list", {"q": "quokkason", "page": 2})
    assert names(second, "members") == ["Pagey25 Quokkason"]
    assert 'href="?q=quokkason&amp;page=1" rel="prev"' in text(second)
    # "quokka" is also in Otto's e-mail address; the list is ordered by last name, then first name.
    everyone = books.get("member_list", {"q": "quokka"})
    assert names(everyone, "members")[:3] == ["Otto Elsewhere", "Lena Quokkadottir", "Pagey00 Quokkason"]
    assert names(books.get("member_list", {"q": "quokka", "page": 2}), "members") == [
        "Pagey23 Quokkason",
        "Pagey24 Quokkason",
        "Pagey25 Quokkason",
    ]
    # By e-mail, by two words (each must match), by category.
    assert names(books.get("member_list", {"q": "otto@quokka"}), "members") == ["Otto Elsewhere"]
    assert names(books.get("member_list", {"q": "lena quokka"}), "members") == ["Lena Quokkadottir"]
    assert names(books.get("member_list", {"q": "quokka", "category": "partner"}), "members") == ["Lena Quokkadottir"]
    # An unknown category is ignored, not a crash.
    assert books.get("member_list", {"category": "nonsense"}).status_code == 200


def test_activities_by_stage_and_name(books):
    with books.inside():
        holder = factories.member()
        factories.activity(holder=holder, name="Wombat opera")
        later = factories.activity(holder=holder, name="Wombat circus")
        activity_change_stage(activity=later, to_stage="development", on=factories.DAY)
        factories.activity(holder=holder, name="Platypus")
    assert [row.split(" ")[1] for row in rows(books.get("activity_list", {"q": "wombat"}), "activities")] == [
        "circus",
        "opera",
    ]
    developing = rows(books.get("activity_list", {"q": "wombat", "stage": "development"}), "activities")
    assert [row.split(" ")[:2] for row in developing] == [["Wombat", "circus"]]


def test_invoices_by_status_overdue_kind_and_search(books):
    today = timezone.localdate()
    old = declare(books, net="100.00", on=datetime.date(2020, 1, 10), client_name="Numbat Old")
    fresh = declare(books, net="200.00", on=today, client_name="Numbat Fresh")
    paid = declare(books, net="300.00", on=datetime.date(2020, 2, 10), client_name="Numbat Paid")
    grant = declare(books, net="400.00", vat="0", on=today, client_name="Numbat Fund", document_kind="grant")
    with books.inside():
        from tenants.billing.models import Invoice

        invoice = Invoice.objects.get(public_id=paid.invoice)
        payment_record(invoice=invoice, amount=Decimal("363.00"), currency="EUR", on=today)
        number = {
            done.invoice: Invoice.objects.get(public_id=done.invoice).number for done in (old, fresh, paid, grant)
        }

    def listed(**query) -> list[str]:
        return [row.split(" ")[0] for row in rows(books.get("invoice_list", {"q": "numbat", **query}), "invoices")]

    assert sorted(listed()) == sorted(number.values())
    assert listed(status="overdue") == [number[old.invoice]]
    assert listed(status="paid") == [number[paid.invoice]]
    assert sorted(listed(status="issued")) == sorted(
        [number[old.invoice], number[fresh.invoice], number[grant.invoice]]
    )
    assert listed(kind="grant") == [number[grant.invoice]]
    assert listed(kind="grant", status="overdue") == []
    assert [row.split(" ")[0] for row in rows(books.get("invoice_list", {"q": "fresh"}), "invoices")] == [
        number[fresh.invoice]
    ]
    assert [row.split(" ")[0] for row in rows(books.get("invoice_list", {"q": number[old.invoice]}), "invoices")] == [
        number[old.invoice]
    ]
    overdue_page = text(books.get("invoice_list", {"q": "numbat", "status": "overdue"}))
    assert overdue_page.count('class="badge closed"') == 1


def test_contracts_and_expenses_filters(books):
    first = declare(books, gross=["100.00"], last_name="Echidna")
    second = declare(books, gross=["120.00"], kind="fees", last_name="Echidnabis")
    with books.inside():
        from tenants.activities.models import Activity
        from tenants.members.models import Member
        from tenants.payroll.models import Contract

        contract_pay(contract=Contract.objects.get(public_id=first.contracts[0]), on=factories.DAY)
        activity = Activity.objects.get(public_id=first.activity)
        member = Member.objects.get(public_id=first.member)
        for description in ("Echidna taxi", "Echidna hotel", "Echidna lunch"):
            expense = expense_submit(
                activity=activity,
                member=member,
                description=description,
                amount=Decimal("10.00"),
                currency="EUR",
                on=factories.DAY,
            )
            if description != "Echidna lunch":
                expense_approve(expense=expense, on=factories.DAY)

    assert len(rows(books.get("contract_list", {"q": "echidna"}), "contracts")) == 2
    assert len(rows(books.get("contract_list", {"q": "echidnabis"}), "contracts")) == 1
    assert len(rows(books.get("contract_list", {"q": "echidna", "status": "paid"}), "contracts")) == 1
    fees = rows(books.get("contract_list", {"q": "echidna", "kind": "fees"}), "contracts")
    assert len(fees) == 1 and "Echidnabis" in fees[0]
    assert second.contracts

    def expenses(**query) -> list[str]:
        found = rows(books.get("expense_list", {"q": "echidna", **query}), "expenses")
        described = sorted(word for word in ("hotel", "lunch", "taxi") for row in found if f"Echidna {word}" in row)
        assert len(described) == len(found)
        return described

    assert expenses() == ["hotel", "lunch", "taxi"]
    assert expenses(status="approved") == ["hotel", "taxi"]
    assert expenses(status="submitted") == ["lunch"]
    assert expenses(q="taxi") == ["taxi"]
