"""A day of an entity's staff, through the pages only: member -> activity -> declaration -> payment ->
contract paid, with the exact figures each page shows."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from tenants.activities.models import Activity, StageChange
from tenants.billing.models import Invoice, Payment
from tenants.ledger.models import JournalEntry
from tenants.payroll.models import Contract

from . import forms
from .conftest import created_id, money, rows, shown, text, translated

pytestmark = pytest.mark.django_db

D = Decimal


def statement_lines(response) -> list[tuple[Decimal, Decimal]]:
    """(amount, running balance) of each statement row."""
    result = []
    for row in re.findall(r"<tr>(.*?)</tr>", text(response).split('id="statement"')[1].split("</table>")[0], re.S):
        values = re.findall(r'<data value="([^"]*)">', row)
        if values:
            result.append((D(values[0]), D(values[1])))
    return result


def test_member_activity_declaration_payment_and_contract_through_the_pages(books):
    # Register a member.
    assert books.get("member_create").status_code == 200
    member_id = created_id(books.post("member_create", forms.member("Flowfield", first_name="Frida")))
    page = books.get("member_detail", member_id=member_id)
    assert page.status_code == 200
    assert "Frida Flowfield" in text(page)

    # Create an activity held by that member.
    assert books.get("activity_create").status_code == 200
    activity_id = created_id(
        books.post(
            "activity_create",
            {"name": "Flow tour", "description": "", "currency": "EUR", "holder": member_id, "stage": "start"},
        )
    )
    page = books.get("activity_detail", activity_id=activity_id)
    assert money(page, "balance-EUR") == D("0.00")
    holder, today = translated("fr", "Holder"), shown("fr", timezone.localdate())
    assert rows(page, "activity-members") == [f"Frida Flowfield {holder} {today}"]

    # A client, then the declaration (one line, one performer) from the activity's link.
    client_id = created_id(books.post("client_create", {"name": "Flow Hall", "country": "BE", "email": ""}))
    form = books.get("declaration_create", {"activity": str(activity_id)})
    assert form.status_code == 200
    assert f'<option value="{activity_id}" selected>' in text(form)
    invoice_id = created_id(
        books.post(
            "declaration_create",
            forms.declaration(
                activity=activity_id,
                client=client_id,
                lines=[forms.line("2000.00")],
                performers=[forms.performer(member_id, "600.00")],
            ),
        )
    )

    # The invoice: totals, the single percentage (6.5 % in Belgium), what is due.
    invoice = books.get("invoice_detail", invoice_id=invoice_id)
    assert invoice.status_code == 200
    assert (money(invoice, "total-net"), money(invoice, "total-vat"), money(invoice, "total-gross")) == (
        D("2000.00"),
        D("420.00"),
        D("2420.00"),
    )
    assert money(invoice, "levy") == D("130.00")
    assert money(invoice, "amount-due") == D("2420.00")
    assert 'data-status="issued"' in text(invoice)

    # The activity: 2000 income - 130 levy - 810 wage cost (600 x 1.35).
    page = books.get("activity_detail", activity_id=activity_id)
    assert money(page, "balance-EUR") == D("1060.00")
    assert money(page, "levy-paid-EUR") == D("130.00")
    split = {
        purpose: money(page, f"levy-{purpose}-EUR")
        for purpose in (
            "invoicing_payroll",
            "guarantee_fund",
            "insurance",
            "legal_aid",
            "advice_training",
            "governance_tools",
        )
    }
    assert split == {
        "invoicing_payroll": D("39.00"),
        "guarantee_fund": D("32.50"),
        "insurance": D("19.50"),
        "legal_aid": D("13.00"),
        "advice_training": D("13.00"),
        "governance_tools": D("13.00"),
    }
    assert sum(split.values()) == D("130.00")
    assert 'data-rate="6.50" data-country="BE" data-effective-from="2016-01-01"' in text(page)

    # A partial payment of the client.
    paid = books.post(
        "payment_create",
        {"amount": "1000.00", "received_on": "2026-05-20", "reference": "SEPA 1"},
        invoice_id=invoice_id,
    )
    assert paid.status_code == 302
    invoice = books.get("invoice_detail", invoice_id=invoice_id)
    assert money(invoice, "amount-due") == D("1420.00")
    assert 'data-status="partly_paid"' in text(invoice)
    received, amount = shown("fr", datetime.date(2026, 5, 20)), shown("fr", D("1000.00"))
    assert rows(invoice, "payments") == [f"{received} {amount} EUR SEPA 1"]

    # Pay the wage the declaration signed.
    with books.inside():
        contract = Contract.objects.get(activity__public_id=activity_id)
    page = books.get("contract_detail", contract_id=contract.public_id)
    assert money(page, "employer-cost") == D("810.00")
    assert money(page, "gross") == D("600.00")
    assert books.post("contract_pay", {"paid_on": "2026-05-31"}, contract_id=contract.public_id).status_code == 302
    page = books.get("contract_detail", contract_id=contract.public_id)
    assert 'data-status="paid"' in text(page)
    assert "pay-form" not in text(page)

    # Paying a wage does not change the activity's balance (the cost was charged when signed).
    page = books.get("activity_detail", activity_id=activity_id)
    assert money(page, "balance-EUR") == D("1060.00")

    # The statement, in date order with its running balance (the contract starts the day before issue).
    statement = books.get("activity_statement", activity_id=activity_id)
    assert statement_lines(statement) == [
        (D("-810.00"), D("-810.00")),
        (D("2000.00"), D("1190.00")),
        (D("-130.00"), D("1060.00")),
    ]
    assert money(statement, "balance-EUR") == D("1060.00")

    # The trial balance of the entity balances.
    ledger = books.get("trial_balance")
    assert ledger.status_code == 200
    assert money(ledger, "debit-EUR") == money(ledger, "credit-EUR")

    with books.inside():
        assert Payment.objects.filter(invoice__public_id=invoice_id).count() == 1
        assert Contract.objects.get(pk=contract.pk).status == "paid"
        assert JournalEntry.objects.filter(lines__activity__public_id=activity_id).distinct().count() == 4


def test_stage_changes_and_team_through_the_activity_page(books):
    holder_id = created_id(books.post("member_create", forms.member("Stageholder")))
    partner_id = created_id(books.post("member_create", forms.member("Stagepartner")))
    activity_id = created_id(
        books.post(
            "activity_create",
            {"name": "Stage play", "currency": "EUR", "holder": holder_id, "stage": "start"},
        )
    )
    assert books.post("activity_stage_change", {"to_stage": "development"}, activity_id=activity_id).status_code == 302
    refused = books.post("activity_stage_change", {"to_stage": "idea", "reason": " "}, activity_id=activity_id)
    assert refused.status_code == 400
    assert 'data-stage="development"' in text(refused)
    back = books.post(
        "activity_stage_change", {"to_stage": "idea", "reason": "The venue cancelled"}, activity_id=activity_id
    )
    assert back.status_code == 302
    added = books.post("activity_member_add", {"member": partner_id, "role": "partner"}, activity_id=activity_id)
    assert added.status_code == 302

    page = books.get("activity_detail", activity_id=activity_id)
    assert 'data-stage="idea"' in text(page)
    history = rows(page, "stage-history")
    assert len(history) == 3
    assert history[-1].endswith("The venue cancelled staff@t-books-eur.test")
    assert len(rows(page, "activity-members")) == 2
    with books.inside():
        activity = Activity.objects.get(public_id=activity_id)
        assert list(StageChange.objects.filter(activity=activity).values_list("from_stage", "to_stage")) == [
            ("", "start"),
            ("start", "development"),
            ("development", "idea"),
        ]
        assert sorted(activity.memberships.values_list("member__last_name", "role")) == [
            ("Stageholder", "holder"),
            ("Stagepartner", "partner"),
        ]


def test_a_credit_note_through_its_form_lowers_what_is_due(books):
    member_id = created_id(books.post("member_create", forms.member("Creditor")))
    activity_id = created_id(
        books.post("activity_create", {"name": "Credit show", "currency": "EUR", "holder": member_id, "stage": "start"})
    )
    client_id = created_id(books.post("client_create", {"name": "Credit Hall", "country": "BE"}))
    invoice_id = created_id(
        books.post(
            "declaration_create",
            forms.declaration(activity=activity_id, client=client_id, lines=[forms.line("1000.00")], performers=[]),
        )
    )
    assert books.get("credit_note_create", invoice_id=invoice_id).status_code == 200
    note_id = created_id(
        books.post(
            "credit_note_create",
            {"issued_on": "2026-05-15", **forms.formset("lines", [forms.line("100.00", description="Discount")])},
            invoice_id=invoice_id,
        )
    )
    note = books.get("invoice_detail", invoice_id=note_id)
    assert (money(note, "total-gross"), money(note, "levy")) == (D("121.00"), D("6.50"))
    invoice = books.get("invoice_detail", invoice_id=invoice_id)
    assert money(invoice, "amount-due") == D("1089.00")  # 1210 - 121
    page = books.get("activity_detail", activity_id=activity_id)
    assert money(page, "balance-EUR") == D("841.50")  # 1000 - 65 - 100 + 6.50
    assert money(page, "levy-paid-EUR") == D("58.50")
    with books.inside():
        assert Invoice.objects.get(public_id=note_id).credit_of.public_id == invoice_id
