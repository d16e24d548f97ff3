"""A whole performance through the API on an entity with empty books, with exact figures.

BE/EUR: the single percentage is 6.5 %, the employer-cost coefficient 1.35.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from tenants.ledger.models import Account

pytestmark = pytest.mark.django_db

EUR = "EUR"


def m(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": EUR}


def _activity_code(entity) -> str:
    with tenant_context(entity):
        return Account.objects.get(kind="activity").code


def test_member_activity_declaration_payment_pay_contract_statement_trial_balance(eur):
    member = eur.ok(
        "post",
        "members/",
        {
            "kind": "natural",
            "category": "natural_user",
            "first_name": "Nina",
            "last_name": "Simone",
            "birth_date": "1980-02-21",
            "email": "nina@example.test",
            "iban": "BE71 0961 2345 6769",
            "languages": ["FR", "en"],
        },
        status=201,
    )
    assert member["iban"] == "BE71096123456769"
    assert member["languages"] == ["fr", "en"]
    assert member["display_name"] == "Nina Simone"

    activity = eur.ok(
        "post",
        "activities/",
        {"name": "Concerts", "holder": member["id"], "stage": "start", "on": "2026-03-02"},
        status=201,
    )
    assert activity["currency"] == EUR  # the entity's currency
    assert activity["balances"] == []
    assert [(h["from_stage"], h["to_stage"]) for h in activity["stage_history"]] == [("", "start")]
    assert activity["members"] == [
        {"member": member["id"], "display_name": "Nina Simone", "role": "holder", "joined_on": "2026-03-02"}
    ]

    client = eur.ok("post", "clients/", {"name": "Théâtre", "country": "be"}, status=201)
    assert client["country"] == "BE"

    declaration = eur.ok(
        "post",
        "declarations/",
        {
            "activity": activity["id"],
            "client": client["id"],
            "lines": [{"description": "Two concerts", "quantity": "2", "unit_price": "500.00", "vat_rate": "21"}],
            "performers": [{"member": member["id"], "gross": "600.00"}],
            "performed_from": "2026-03-02",
            "performed_to": "2026-03-03",
            "country": "BE",
        },
        status=201,
    )
    assert declaration["declared_by"] == "staff@t-books-eur.test"
    assert declaration["invoice_summary"]["total_gross"] == m("1210.00")
    [contract] = declaration["contract_details"]
    assert (contract["kind"], contract["gross"], contract["coefficient"], contract["employer_cost"]) == (
        "wage",
        m("600.00"),
        "1.3500",
        m("810.00"),
    )

    invoice = eur.ok("get", f"invoices/{declaration['invoice']}/")
    assert invoice["status"] == "issued"
    assert invoice["number"] == "INV2026-000001"
    assert (invoice["issue_date"], invoice["due_date"]) == ("2026-03-03", "2026-04-02")
    assert invoice["totals"] == {"net": m("1000.00"), "vat": m("210.00"), "gross": m("1210.00")}
    assert invoice["levy"] == {"rate": "6.50", "amount": m("65.00")}
    assert invoice["amount_due"] == m("1210.00")
    assert invoice["lines"] == [
        {
            "description": "Two concerts",
            "quantity": "2.000",
            "unit_price": m("500.00"),
            "vat_rate": "21.00",
            "net_amount": m("1000.00"),
            "vat_amount": m("210.00"),
        }
    ]

    first = eur.ok(
        "post",
        f"invoices/{invoice['id']}/payments/",
        {"amount": "1000.00", "currency": EUR, "received_on": "2026-03-10", "reference": "bank 1"},
        status=201,
    )
    assert first["amount"] == m("1000.00")
    assert eur.ok("get", f"invoices/{invoice['id']}/")["status"] == "partly_paid"
    eur.ok(
        "post",
        f"invoices/{invoice['id']}/payments/",
        {"amount": 210, "currency": EUR, "received_on": "2026-03-11"},
        status=201,
    )
    invoice = eur.ok("get", f"invoices/{invoice['id']}/")
    assert (invoice["status"], invoice["amount_due"]) == ("paid", m("0.00"))
    assert [p["amount"] for p in invoice["payments"]] == [m("1000.00"), m("210.00")]

    paid = eur.ok("post", f"contracts/{contract['id']}/pay/", {"on": "2026-03-31"})
    assert (paid["status"], paid["paid_on"]) == ("paid", "2026-03-31")

    statement = eur.ok("get", f"activities/{activity['id']}/statement/")
    assert statement["count"] == 3
    # In date order: the contract is signed on the first day of the performance, the invoice issued on the last.
    assert [(line["date"], line["kind"], line["amount"], line["balance"]) for line in statement["results"]] == [
        ("2026-03-02", "Contract signed", m("-810.00"), m("-810.00")),
        ("2026-03-03", "Invoice issued", m("1000.00"), m("190.00")),
        ("2026-03-03", "Invoice issued", m("-65.00"), m("125.00")),
    ]
    assert eur.ok("get", f"activities/{activity['id']}/")["balances"] == [m("125.00")]

    trial = eur.ok("get", "ledger/trial-balance/")
    [currency] = trial["currencies"]
    assert currency["currency"] == EUR
    assert currency["total"] == m("0.00")
    balances = {a["code"]: a["balance"]["amount"] for a in currency["accounts"]}
    assert balances == {
        "1000": "400.00",  # bank: 1210.00 received, 810.00 paid
        "1100": "0.00",  # client receivables: 1210.00 invoiced, 1210.00 received
        "2100": "-210.00",  # VAT payable
        "2200": "0.00",  # wages: 810.00 owed, 810.00 paid
        "7000": "-65.00",  # levy income
        _activity_code(eur.entity): "-125.00",  # what the activity has left
    }

    entries = eur.ok("get", "ledger/entries/")
    assert sorted(e["kind"] for e in entries["results"]) == [
        "client_payment",
        "client_payment",
        "contract_signed",
        "invoice_issued",
        "wage_paid",
    ]
    entry = eur.ok("get", f"ledger/entries/{entries['results'][0]['id']}/")
    assert sum(Decimal(line["amount"]["amount"]) for line in entry["lines"]) == 0
