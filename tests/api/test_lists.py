"""Lists: pagination with limit/offset, filters as query parameters, bad values refused."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _member(eur, first: str, last: str, category: str = "natural_user", email: str = "") -> dict:
    data = {"kind": "natural", "category": category, "first_name": first, "last_name": last, "email": email}
    return eur.ok("post", "members/", data, status=201)


@pytest.fixture
def seeded(eur):
    ada = _member(eur, "Ada", "Lovelace", email="ada@engine.test")
    bob = _member(eur, "Bob", "Marley", category="partner")
    cleo = _member(eur, "Cléo", "Laine", email="cleo@jazz.test")
    tour = eur.ok(
        "post", "activities/", {"name": "Tour", "holder": ada["id"], "stage": "start", "on": "2026-01-10"}, status=201
    )
    band = eur.ok(
        "post", "activities/", {"name": "Band", "holder": bob["id"], "stage": "idea", "on": "2026-01-10"}, status=201
    )
    venue = eur.ok("post", "clients/", {"name": "Venue", "country": "BE"}, status=201)
    funder = eur.ok("post", "clients/", {"name": "Arts Council", "country": "BE", "is_funder": True}, status=201)
    supplier = eur.ok("post", "suppliers/", {"name": "Van rental", "country": "BE"}, status=201)

    def document(activity, client, price, kind="invoice", vat="21"):
        line = {"description": "Work", "quantity": "1", "unit_price": price, "vat_rate": vat}
        data = {"kind": kind, "activity": activity["id"], "client": client["id"], "currency": "EUR", "lines": [line]}
        return eur.ok("post", "invoices/", data, status=201)

    old = document(tour, venue, "1000.00")
    eur.ok("post", f"invoices/{old['id']}/issue/", {"on": "2026-01-15"})  # due 2026-02-14: overdue
    recent = document(tour, venue, "200.00")
    eur.ok("post", f"invoices/{recent['id']}/issue/", {"on": "2099-01-01"})  # due in the future
    grant = document(band, funder, "500.00", kind="grant", vat="0")
    eur.ok("post", f"invoices/{grant['id']}/issue/", {"on": "2026-01-15"})
    eur.ok(
        "post",
        f"invoices/{grant['id']}/payments/",
        {"amount": "500.00", "currency": "EUR", "received_on": "2026-01-31"},
        status=201,
    )
    draft = document(band, venue, "50.00")
    contract = eur.ok(
        "post",
        "contracts/",
        {
            "member": ada["id"],
            "activity": tour["id"],
            "kind": "fees",
            "starts_on": "2026-01-20",
            "ends_on": "2026-01-20",
            "country": "BE",
            "gross": "100.00",
            "currency": "EUR",
        },
        status=201,
    )
    expense = eur.ok(
        "post",
        "expenses/",
        {
            "activity": tour["id"],
            "member": ada["id"],
            "supplier": supplier["id"],
            "description": "Van",
            "amount": "80.00",
            "currency": "EUR",
            "spent_on": "2026-01-21",
        },
        status=201,
    )
    return {
        "members": (ada, bob, cleo),
        "tour": tour,
        "band": band,
        "venue": venue,
        "funder": funder,
        "old": old,
        "recent": recent,
        "grant": grant,
        "draft": draft,
        "contract": contract,
        "expense": expense,
        "supplier": supplier,
    }


def ids(page: dict) -> list[str]:
    return [item["id"] for item in page["results"]]


def test_pagination_with_limit_and_offset(eur, seeded):
    first = eur.list("members/", limit=2)
    assert first["count"] == 3
    assert [m["last_name"] for m in first["results"]] == ["Laine", "Lovelace"]
    assert first["previous"] is None and "offset=2" in first["next"]
    rest = eur.list("members/", limit=2, offset=2)
    assert [m["last_name"] for m in rest["results"]] == ["Marley"] and rest["next"] is None
    assert eur.list("members/", offset=10)["results"] == []
    for params in ({"limit": "abc"}, {"limit": "0"}, {"offset": "-1"}, {"limit": "2.5"}):
        error = eur.refused(eur.get("members/", **params), 400, "api_pagination_invalid")
        assert error["field"] in params


def test_member_filters(eur, seeded):
    ada, bob, cleo = seeded["members"]
    assert ids(eur.list("members/", category="partner")) == [bob["id"]]
    assert ids(eur.list("members/", q="LOVE")) == [ada["id"]]
    assert ids(eur.list("members/", q="jazz.test")) == [cleo["id"]]
    assert ids(eur.list("members/", q="nobody")) == []
    error = eur.refused(eur.get("members/", category="boss"), 400, "api_filter_invalid")
    assert error["field"] == "category"
    eur.refused(eur.get("members/", q="x" * 101), 400, "api_filter_invalid")


def test_activity_filters(eur, seeded):
    assert ids(eur.list("activities/", stage="idea")) == [seeded["band"]["id"]]
    assert ids(eur.list("activities/", stage="stop")) == []
    eur.refused(eur.get("activities/", stage="later"), 400, "api_filter_invalid")


def test_invoice_filters(eur, seeded):
    old, recent, grant, draft = (
        seeded["old"]["id"],
        seeded["recent"]["id"],
        seeded["grant"]["id"],
        seeded["draft"]["id"],
    )
    assert eur.list("invoices/")["count"] == 4
    assert ids(eur.list("invoices/", overdue="true")) == [old]
    assert sorted(ids(eur.list("invoices/", overdue="false"))) == sorted([recent, grant, draft])
    assert ids(eur.list("invoices/", kind="grant")) == [grant]
    assert ids(eur.list("invoices/", status="draft")) == [draft]
    assert ids(eur.list("invoices/", status="paid")) == [grant]
    assert sorted(ids(eur.list("invoices/", activity=seeded["tour"]["id"]))) == sorted([old, recent])
    assert ids(eur.list("invoices/", client=seeded["funder"]["id"])) == [grant]
    assert ids(
        eur.list("invoices/", client=seeded["venue"]["id"], status="issued", kind="invoice", overdue="true")
    ) == [old]
    for params in (
        {"overdue": "maybe"},
        {"activity": "not-a-uuid"},
        {"client": "42"},
        {"kind": "receipt"},
        {"status": "cancelled"},
    ):
        error = eur.refused(eur.get("invoices/", **params), 400, "api_filter_invalid")
        assert error["field"] == next(iter(params))


def test_contract_expense_declaration_and_client_filters(eur, seeded):
    ada, bob, _ = seeded["members"]
    contract, expense = seeded["contract"]["id"], seeded["expense"]["id"]
    assert ids(eur.list("contracts/", activity=seeded["tour"]["id"])) == [contract]
    assert ids(eur.list("contracts/", member=bob["id"])) == []
    assert ids(eur.list("contracts/", status="signed", kind="fees", member=ada["id"])) == [contract]
    assert eur.list(f"contracts/{contract}/")["employer_cost"] == {"amount": "100.00", "currency": "EUR"}
    eur.refused(eur.get("contracts/", status="void"), 400, "api_filter_invalid")
    eur.refused(eur.get("contracts/", member="x"), 400, "api_filter_invalid")

    assert ids(eur.list("expenses/", status="submitted", member=ada["id"])) == [expense]
    assert ids(eur.list("expenses/", activity=seeded["band"]["id"])) == []
    assert eur.list(f"expenses/{expense}/")["supplier"] == seeded["supplier"]["id"]
    eur.refused(eur.get("expenses/", status="lost"), 400, "api_filter_invalid")
    assert eur.ok("post", f"expenses/{expense}/approve/", {"on": "2026-01-22"})["status"] == "approved"
    assert eur.ok("post", f"expenses/{expense}/refund/", {"on": "2026-01-23"})["status"] == "refunded"
    assert ids(eur.list("expenses/", status="refunded")) == [expense]

    assert ids(eur.list("clients/", is_funder="true")) == [seeded["funder"]["id"]]
    assert ids(eur.list("clients/", q="venue")) == [seeded["venue"]["id"]]
    assert eur.list(f"clients/{seeded['venue']['id']}/")["name"] == "Venue"
    assert ids(eur.list("suppliers/", q="van")) == [seeded["supplier"]["id"]]
    eur.refused(eur.get("clients/", is_funder="perhaps"), 400, "api_filter_invalid")
    assert eur.list("declarations/", activity=seeded["tour"]["id"])["count"] == 0
    eur.refused(eur.get("declarations/", activity="tour"), 400, "api_filter_invalid")


def test_ledger_entry_filters(eur, seeded):
    entries = eur.list("ledger/entries/")
    assert entries["count"] == 5  # 3 documents issued, 1 payment, 1 contract
    issued = eur.list("ledger/entries/", kind="invoice_issued")
    assert issued["count"] == 2
    january = eur.list("ledger/entries/", date_from="2026-01-01", date_to="2026-01-31")
    assert january["count"] == 4  # the grant and the old invoice, their payment, the contract
    assert eur.list("ledger/entries/", date_from="2099-01-01")["count"] == 1
    assert eur.list("ledger/entries/", activity=seeded["band"]["id"])["count"] == 2  # grant issued and paid
    for params, field in (
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_to"),
        ({"kind": "gift"}, "kind"),
    ):
        error = eur.refused(eur.get("ledger/entries/", **params), 400, "api_filter_invalid")
        assert error["field"] == field


def test_a_list_shows_only_the_entitys_own_rows(group, alpha):
    page = alpha.list("invoices/")
    assert page["count"] == 1
    assert page["results"][0]["client_name"].startswith(group.alpha.canary)
    members = alpha.list("members/")
    assert [m["first_name"] for m in members["results"]] == [f"{group.alpha.canary}M"]
