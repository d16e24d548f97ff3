"""Each kind of bad input is refused with a 400/409 in the project's error format, and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from tenants.activities.models import Activity, ActivityMember, StageChange
from tenants.billing.models import Client, Expense, Invoice, InvoiceLine, Payment
from tenants.declarations.models import Declaration
from tenants.ledger.models import JournalEntry, OutboxEvent
from tenants.members.models import Member
from tenants.payroll.models import Contract
from tenants.registry.models import Person

pytestmark = pytest.mark.django_db

MODELS = [
    Member,
    Activity,
    ActivityMember,
    StageChange,
    Client,
    Invoice,
    InvoiceLine,
    Payment,
    Expense,
    Contract,
    Declaration,
    JournalEntry,
    OutboxEvent,
]


def snapshot(entity) -> dict[str, object]:
    with tenant_context(entity):
        state: dict[str, object] = {m.__name__: m._default_manager.count() for m in MODELS}
        state["invoice_states"] = sorted(Invoice.objects.values_list("public_id", "status", "number", "total_gross"))
        state["contract_states"] = sorted(Contract.objects.values_list("public_id", "status"))
        state["activity_states"] = sorted(Activity.objects.values_list("public_id", "stage"))
        state["expense_states"] = sorted(Expense.objects.values_list("public_id", "status"))
    state["persons"] = Person.objects.count()
    return state


@pytest.fixture
def books(eur):
    """A member, a holder's activity with 1000.00 EUR of income issued (balance 935.00), a client, a funder."""
    member = eur.ok(
        "post",
        "members/",
        {"kind": "natural", "category": "natural_user", "first_name": "A", "last_name": "B"},
        status=201,
    )
    activity = eur.ok(
        "post",
        "activities/",
        {"name": "Tour", "holder": member["id"], "stage": "development", "on": "2026-04-01"},
        status=201,
    )
    client = eur.ok("post", "clients/", {"name": "Venue", "country": "BE"}, status=201)
    draft = eur.ok(
        "post",
        "invoices/",
        {
            "activity": activity["id"],
            "client": client["id"],
            "currency": "EUR",
            "lines": [{"description": "Show", "quantity": "1", "unit_price": "1000.00", "vat_rate": "21"}],
        },
        status=201,
    )
    assert (draft["status"], draft["number"], draft["amount_due"]) == ("draft", "", None)
    issued = eur.ok("post", f"invoices/{draft['id']}/issue/", {"on": "2026-04-01"})
    assert issued["amount_due"] == {"amount": "1210.00", "currency": "EUR"}
    return {"member": member, "activity": activity, "client": client, "invoice": issued}


def refused_without_writing(api, path: str, data, status: int, code: str, *, raw: str | None = None) -> dict:
    before = snapshot(api.entity)
    error = api.refused(api.post(path, data, raw=raw), status, code)
    assert snapshot(api.entity) == before
    return error


def test_mixed_currencies_are_refused(eur, books):
    activity, client, invoice = books["activity"]["id"], books["client"]["id"], books["invoice"]["id"]
    line = {"description": "Show", "quantity": "1", "unit_price": "10.00", "vat_rate": "21"}
    error = refused_without_writing(
        eur,
        "invoices/",
        {"activity": activity, "client": client, "currency": "SEK", "lines": [line]},
        400,
        "billing_currency_mismatch",
    )
    assert (error["field"], error["details"]) == ("currency", {"expected": "EUR", "got": "SEK"})
    refused_without_writing(
        eur,
        "invoices/",
        {"activity": activity, "client": client, "currency": "EUR", "lines": [line, {**line, "currency": "SEK"}]},
        400,
        "billing_currency_mismatch",
    )
    refused_without_writing(
        eur, f"invoices/{invoice}/payments/", {"amount": "10.00", "currency": "SEK"}, 400, "billing_currency_mismatch"
    )


def test_a_payment_larger_than_what_is_due_is_refused(eur, books):
    invoice = books["invoice"]["id"]
    eur.ok("post", f"invoices/{invoice}/payments/", {"amount": "1000.00", "currency": "EUR"}, status=201)
    error = refused_without_writing(
        eur,
        f"invoices/{invoice}/payments/",
        {"amount": "210.01", "currency": "EUR"},
        409,
        "billing_payment_exceeds_due",
    )
    assert error["details"] == {"amount": "210.01", "due": "210.00"}
    refused_without_writing(
        eur, f"invoices/{invoice}/payments/", {"amount": "0.00", "currency": "EUR"}, 400, "billing_payment_invalid"
    )


def test_an_issued_invoice_is_never_edited(eur, books):
    invoice = books["invoice"]["id"]
    line = {"description": "Extra", "quantity": "1", "unit_price": "10.00", "vat_rate": "21"}
    refused_without_writing(eur, f"invoices/{invoice}/lines/", line, 409, "billing_document_not_draft")
    refused_without_writing(eur, f"invoices/{invoice}/issue/", {}, 409, "billing_document_not_draft")
    for method in ("put", "patch", "delete"):
        response = getattr(eur.client, method)(
            f"/api/v1/invoices/{invoice}/",
            json.dumps({"lines": []}),
            content_type="application/json",
            HTTP_HOST=eur.host,
        )
        eur.refused(response, 405, "method_not_allowed")


def test_a_draft_takes_more_lines_then_is_issued(eur, books):
    draft = eur.ok(
        "post",
        "invoices/",
        {
            "activity": books["activity"]["id"],
            "client": books["client"]["id"],
            "currency": "EUR",
            "lines": [{"description": "Show", "quantity": "1", "unit_price": "100.00", "vat_rate": "6"}],
        },
        status=201,
    )
    line = eur.ok(
        "post",
        f"invoices/{draft['id']}/lines/",
        {"description": "Travel", "quantity": "2.5", "unit_price": "10.00", "vat_rate": "21"},
        status=201,
    )
    assert (line["net_amount"], line["vat_amount"]) == (
        {"amount": "25.00", "currency": "EUR"},
        {"amount": "5.25", "currency": "EUR"},
    )
    issued = eur.ok("post", f"invoices/{draft['id']}/issue/", {"on": "2026-04-02", "due_in_days": 15})
    assert issued["totals"]["gross"] == {"amount": "136.25", "currency": "EUR"}  # 100 + 6 + 25 + 5.25
    assert (issued["number"], issued["due_date"]) == ("INV2026-000002", "2026-04-17")


def test_credit_notes_give_back_at_most_what_was_invoiced(eur, books):
    invoice = books["invoice"]["id"]
    line = {"description": "Cancelled part", "quantity": "1", "unit_price": "100.00", "vat_rate": "21"}
    note = eur.ok("post", f"invoices/{invoice}/credit-notes/", {"lines": [line], "on": "2026-04-05"}, status=201)
    assert (note["kind"], note["number"], note["credit_of"], note["amount_due"]) == (
        "credit_note",
        "CN2026-000001",
        invoice,
        None,
    )
    assert note["levy"] == {"rate": "6.50", "amount": {"amount": "6.50", "currency": "EUR"}}
    after = eur.ok("get", f"invoices/{invoice}/")
    assert after["amount_due"] == {"amount": "1089.00", "currency": "EUR"}
    assert after["credit_notes"] == [note["id"]]
    refused_without_writing(
        eur,
        f"invoices/{invoice}/credit-notes/",
        {"lines": [{**line, "unit_price": "1000.00"}]},
        409,
        "billing_credit_exceeds_invoice",
    )
    refused_without_writing(
        eur,
        f"invoices/{note['id']}/payments/",
        {"amount": "1.00", "currency": "EUR"},
        409,
        "billing_document_not_issued",
    )


def test_money_leaves_an_activity_only_in_the_three_ways(eur, books):
    contract = {
        "member": books["member"]["id"],
        "activity": books["activity"]["id"],
        "kind": "purchase",
        "starts_on": "2026-04-02",
        "ends_on": "2026-04-02",
        "country": "BE",
        "gross": "10.00",
        "currency": "EUR",
    }
    error = refused_without_writing(eur, "contracts/", contract, 400, "payroll_outflow_kind_not_allowed")
    assert error["field"] == "kind"
    declaration = {
        "activity": books["activity"]["id"],
        "client": books["client"]["id"],
        "lines": [{"description": "Show", "quantity": "1", "unit_price": "1000.00", "vat_rate": "21"}],
        "performers": [{"member": books["member"]["id"], "gross": "10.00", "kind": "gift"}],
        "performed_from": "2026-04-02",
        "performed_to": "2026-04-02",
        "country": "BE",
    }
    # The document would be created and issued first: all of it is rolled back.
    refused_without_writing(eur, "declarations/", declaration, 400, "payroll_outflow_kind_not_allowed")


def test_a_contract_the_balance_cannot_cover_is_refused_with_the_figures(eur, books):
    contract = {
        "member": books["member"]["id"],
        "activity": books["activity"]["id"],
        "kind": "wage",
        "starts_on": "2026-04-02",
        "ends_on": "2026-04-03",
        "country": "BE",
        "gross": "700.00",  # costs 945.00; the activity has 935.00
        "currency": "EUR",
    }
    error = refused_without_writing(eur, "contracts/", contract, 409, "activity_balance_does_not_cover")
    assert error["details"] == {"balance": "935.00", "cost": "945.00", "shortfall": "10.00", "currency": "EUR"}
    signed = eur.ok("post", "contracts/", {**contract, "kind": "fees", "gross": "935.00"}, status=201)
    assert (signed["employer_cost"], signed["status"]) == ({"amount": "935.00", "currency": "EUR"}, "signed")
    eur.ok("post", f"contracts/{signed['id']}/pay/", {"on": "2026-04-30"})
    refused_without_writing(eur, f"contracts/{signed['id']}/pay/", {}, 409, "payroll_contract_already_paid")
    refused_without_writing(eur, "contracts/", {**contract, "currency": "SEK"}, 400, "payroll_currency_mismatch")
    refused_without_writing(eur, "contracts/", {**contract, "ends_on": "2026-04-01"}, 400, "payroll_dates_invalid")


def test_an_expense_the_balance_cannot_cover_is_not_approved(eur, books):
    expense = eur.ok(
        "post",
        "expenses/",
        {
            "activity": books["activity"]["id"],
            "member": books["member"]["id"],
            "description": "Van",
            "amount": "935.01",
            "currency": "EUR",
            "spent_on": "2026-04-03",
        },
        status=201,
    )
    assert (expense["status"], expense["amount"], expense["has_receipt"]) == (
        "submitted",
        {"amount": "935.01", "currency": "EUR"},
        False,
    )
    refused_without_writing(eur, f"expenses/{expense['id']}/approve/", {}, 409, "activity_balance_does_not_cover")
    refused_without_writing(eur, f"expenses/{expense['id']}/refund/", {}, 409, "billing_expense_wrong_status")
    assert eur.ok("post", f"expenses/{expense['id']}/reject/")["status"] == "rejected"
    refused_without_writing(eur, f"expenses/{expense['id']}/approve/", {}, 409, "billing_expense_wrong_status")


def test_going_back_a_stage_needs_a_reason(eur, books):
    activity = books["activity"]["id"]
    error = refused_without_writing(
        eur, f"activities/{activity}/stage/", {"stage": "start"}, 400, "activity_stage_backwards_needs_reason"
    )
    assert error["field"] == "reason"
    refused_without_writing(
        eur, f"activities/{activity}/stage/", {"stage": "development"}, 409, "activity_stage_unchanged"
    )
    refused_without_writing(eur, f"activities/{activity}/stage/", {"stage": "later"}, 400, "activity_stage_unknown")
    back = eur.ok("post", f"activities/{activity}/stage/", {"stage": "start", "reason": "New team", "on": "2026-04-10"})
    assert (back["stage"], back["stage_since"]) == ("start", "2026-04-10")
    assert back["stage_history"][-1] == {
        "from_stage": "development",
        "to_stage": "start",
        "changed_on": "2026-04-10",
        "reason": "New team",
        "changed_by": "staff@t-books-eur.test",
    }


def test_an_activity_takes_each_member_once_with_a_known_role(eur, books):
    activity, holder = books["activity"]["id"], books["member"]["id"]
    refused_without_writing(
        eur, f"activities/{activity}/members/", {"member": holder, "role": "partner"}, 409, "activity_member_already_in"
    )
    other = eur.ok(
        "post", "members/", {"kind": "natural", "category": "partner", "first_name": "C", "last_name": "D"}, status=201
    )
    error = refused_without_writing(
        eur, f"activities/{activity}/members/", {"member": other["id"], "role": "boss"}, 400, "invalid"
    )
    assert "role" in error["fields"]
    added = eur.ok(
        "post", f"activities/{activity}/members/", {"member": other["id"], "role": "contributor"}, status=201
    )
    assert added["role"] == "contributor"
    assert eur.ok("get", f"activities/{activity}/members/")["count"] == 2


def test_an_invalid_iban_or_vat_rate_is_refused(eur, books):
    member = {"kind": "natural", "category": "natural_user", "first_name": "E", "last_name": "F"}
    error = refused_without_writing(
        eur, "members/", {**member, "iban": "BE00 0000 0000 0000"}, 400, "member_iban_invalid"
    )
    assert error["field"] == "iban"
    refused_without_writing(eur, "members/", {**member, "category": "boss"}, 400, "member_category_unknown")
    refused_without_writing(eur, "members/", {**member, "first_name": ""}, 400, "member_name_required")
    refused_without_writing(eur, "members/", {**member, "email": "not-an-address"}, 400, "member_email_invalid")
    refused_without_writing(eur, "members/", {**member, "languages": ["es"]}, 400, "member_language_unsupported")
    line = {"description": "Show", "quantity": "1", "unit_price": "10.00", "vat_rate": "20"}  # a French rate
    invoice = {"activity": books["activity"]["id"], "client": books["client"]["id"], "currency": "EUR"}
    error = refused_without_writing(eur, "invoices/", {**invoice, "lines": [line]}, 400, "billing_vat_rate_invalid")
    assert (error["field"], error["details"]) == ("vat_rate", {"rate": "20.00", "country": "BE"})
    refused_without_writing(eur, "invoices/", {**invoice, "lines": []}, 400, "billing_document_without_lines")
    refused_without_writing(
        eur,
        "invoices/",
        {**invoice, "lines": [{**line, "vat_rate": "21", "quantity": "0"}]},
        400,
        "billing_quantity_invalid",
    )
    refused_without_writing(
        eur, "invoices/", {**invoice, "kind": "grant", "lines": [line]}, 400, "billing_funding_needs_funder"
    )
    refused_without_writing(
        eur, "invoices/", {**invoice, "kind": "credit_note", "lines": [line]}, 400, "billing_document_kind_unknown"
    )
    refused_without_writing(eur, "clients/", {"name": "X", "country": "XX"}, 400, "invalid")


def test_the_same_person_cannot_join_twice(eur, books):
    again = {"kind": "natural", "category": "natural_user", "first_name": "A", "last_name": "B"}
    refused_without_writing(eur, "members/", again, 409, "member_already_exists")


@pytest.mark.parametrize(
    "amount",
    [
        12.5,  # a JSON number with a fraction: read as a binary float
        1e2,
        "1e2",
        "12.345",  # more decimals than money has
        "12,50",
        " ",
        "NaN",
        True,
        None,
        {"amount": "12.50"},
    ],
)
def test_money_is_never_a_float(eur, books, amount):
    invoice = books["invoice"]["id"]
    error = refused_without_writing(
        eur, f"invoices/{invoice}/payments/", {"amount": amount, "currency": "EUR"}, 400, "invalid"
    )
    assert list(error["fields"]) == ["amount"]


def test_float_looking_money_in_raw_json_is_refused(eur, books):
    invoice = books["invoice"]["id"]
    raw = '{"amount": 0.1, "currency": "EUR"}'
    error = refused_without_writing(eur, f"invoices/{invoice}/payments/", None, 400, "invalid", raw=raw)
    assert "strings" in error["fields"]["amount"][0]
    line = {"description": "Show", "quantity": 1.5, "unit_price": "10.00", "vat_rate": "21"}
    invoice_data = {
        "activity": books["activity"]["id"],
        "client": books["client"]["id"],
        "currency": "EUR",
        "lines": [line],
    }
    error = refused_without_writing(eur, "invoices/", invoice_data, 400, "invalid")
    assert list(error["fields"]["lines"]["0"]) == ["quantity"]
    # Whole numbers are exact: accepted.
    assert eur.ok("post", f"invoices/{invoice}/payments/", {"amount": 12, "currency": "EUR"}, status=201)["amount"] == {
        "amount": "12.00",
        "currency": "EUR",
    }


def test_malformed_bodies_and_unknown_references(eur, books):
    refused_without_writing(eur, "members/", None, 400, "parse_error", raw="{not json")
    unknown = "00000000-0000-4000-8000-000000000000"
    error = refused_without_writing(eur, "activities/", {"name": "X", "holder": unknown}, 400, "invalid")
    assert error["fields"] == {"holder": ["There is no such object in this entity."]}
    error = refused_without_writing(eur, "activities/", {"name": "X", "holder": "nope"}, 400, "invalid")
    assert error["fields"] == {"holder": ["Must be a valid UUID."]}
    error = refused_without_writing(
        eur, "activities/", {"name": "X", "holder": books["member"]["id"], "currency": "XYZ"}, 400, "invalid"
    )
    assert list(error["fields"]) == ["currency"]
    refused_without_writing(
        eur, "activities/", {"name": " ", "holder": books["member"]["id"]}, 400, "activity_name_required"
    )
    refused_without_writing(
        eur, f"invoices/{unknown}/payments/", {"amount": "1.00", "currency": "EUR"}, 404, "not_found"
    )
    eur.refused(eur.get(f"members/{unknown}/"), 404, "not_found")
    # Not a UUID: no such URL at all.
    assert eur.get("members/42/").status_code == 404


def test_an_id_that_is_not_a_uuid_is_a_404_in_the_error_format(eur, books):
    """Found by the API fuzzer: no route matches such an address, and Django's HTML 404 page answered."""
    eur.refused(eur.get("members/42/"), 404, "not_found")
    refused_without_writing(eur, f"invoices/{books['invoice']['id'][:-1]}x/issue/", {}, 404, "not_found")
    error = refused_without_writing(eur, "expenses/%20/approve/", {}, 404, "not_found")
    assert error["message"] == "Not found."
    # Outside the API, a person still gets the HTML page.
    page = eur.client.get("/no-such-page/", HTTP_HOST=eur.host)
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_non_staff_user_of_the_entity_is_refused(eur, group):
    with tenant_context(group.books_eur):
        user = get_user_model().objects.create_user(username="member@t-books-eur.test", password="x")
    from .conftest import Api

    api = Api(eur.host, group.books_eur, user.username)
    api.refused(api.get("members/"), 403, "permission_denied")
    before = snapshot(group.books_eur)
    api.refused(api.post("clients/", {"name": "X", "country": "BE"}), 403, "permission_denied")
    assert snapshot(group.books_eur) == before
