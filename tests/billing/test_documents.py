"""Invoices, funding agreements, credit notes and payments, with their exact postings."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from config.db import connection
from config.errors import PlatformError
from tenants.billing import errors
from tenants.billing.models import Invoice, InvoiceLine, InvoiceStatus, Payment
from tenants.billing.services import (
    LineInput,
    credit_note_issue,
    document_add_line,
    document_create,
    document_due,
    document_issue,
    payment_record,
)
from tenants.ledger.models import JournalEntry
from tenants.ledger.selectors import activity_balance, activity_levy_paid, trial_balance

from .. import factories
from ..factories import DAY, line

pytestmark = pytest.mark.django_db


def _issued(activity, *lines, kind="invoice", funder=False):
    doc = document_create(
        kind=kind, activity=activity, client=factories.client(is_funder=funder), currency=activity.currency, lines=lines
    )
    return document_issue(invoice=doc, on=DAY)


def _state():
    return (Invoice.objects.count(), InvoiceLine.objects.count(), Payment.objects.count(), JournalEntry.objects.count())


def test_issuing_an_invoice_levies_the_single_percentage_and_posts_it(in_books_eur):
    activity = factories.activity()
    invoice = _issued(activity, line("1000.00"), line("234.56", vat="6"))
    assert invoice.number == "INV2026-000001"
    assert (invoice.total_net, invoice.total_vat, invoice.total_gross) == (
        Decimal("1234.56"),
        Decimal("224.07"),
        Decimal("1458.63"),
    )
    assert (invoice.levy_rate, invoice.levy_amount) == (Decimal("6.50"), Decimal("80.25"))
    assert invoice.due_date == DAY + datetime.timedelta(days=30)
    assert activity_balance(activity.pk, "EUR") == Decimal("1154.31")  # 1234.56 - 80.25
    assert activity_levy_paid(activity.pk) == {"EUR": Decimal("80.25")}
    assert trial_balance()["EUR"] == {
        "1100": Decimal("1458.63"),
        "2100": Decimal("-224.07"),
        "7000": Decimal("-80.25"),
        activity.account.code: Decimal("-1154.31"),
    }
    second = _issued(activity, line("1.00"))
    assert second.number == "INV2026-000002"


def test_the_levy_applies_to_funding_agreements_too(in_books_eur):
    activity = factories.activity()
    grant = _issued(activity, line("5000.00", vat="0"), kind="grant", funder=True)
    assert grant.number == "FA2026-000001"
    assert grant.levy_amount == Decimal("325.00")
    assert activity_balance(activity.pk, "EUR") == Decimal("4675.00")
    assert trial_balance()["EUR"]["1150"] == Decimal("5000.00")


def test_a_grant_needs_a_funder_and_no_vat(in_books_eur):
    activity = factories.activity()
    before = _state()
    with pytest.raises(PlatformError) as refused:
        document_create(
            kind="grant", activity=activity, client=factories.client(), currency="EUR", lines=[line("1", "0")]
        )
    assert refused.value.code == errors.FUNDING_NEEDS_FUNDER
    with pytest.raises(PlatformError) as refused:
        document_create(
            kind="grant", activity=activity, client=factories.client(is_funder=True), currency="EUR", lines=[line("1")]
        )
    assert refused.value.code == errors.VAT_RATE_INVALID
    assert _state() == before


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"currency": "SEK"}, errors.CURRENCY_MISMATCH),
        ({"lines": [LineInput("x", Decimal(1), Decimal(10), Decimal(21), currency="SEK")]}, errors.CURRENCY_MISMATCH),
        ({"lines": [line("10", vat="19")]}, errors.VAT_RATE_INVALID),  # a German rate in Belgium
        ({"lines": [line("10", vat="-21")]}, errors.VAT_RATE_INVALID),
        ({"lines": [line("10", qty="0")]}, errors.QUANTITY_INVALID),
        ({"lines": [line("-10")]}, errors.PRICE_INVALID),
        ({"lines": []}, errors.NO_LINES),
        ({"kind": "dividend"}, errors.KIND_UNKNOWN),
    ],
)
def test_bad_documents_are_refused_and_nothing_is_written(in_books_eur, change, code):
    activity = factories.activity()
    client = factories.client()
    before = _state()
    fields = {"kind": "invoice", "activity": activity, "client": client, "currency": "EUR", "lines": [line("10")]}
    with pytest.raises(PlatformError) as refused:
        document_create(**{**fields, **change})
    assert refused.value.code == code
    assert _state() == before


def test_an_issued_invoice_is_never_edited(in_books_eur):
    invoice = _issued(factories.activity(), line("100.00"))
    with pytest.raises(PlatformError) as refused:
        document_add_line(invoice=invoice, line=line("5.00"))
    assert refused.value.code == errors.NOT_DRAFT
    with pytest.raises(PlatformError):
        document_issue(invoice=invoice, on=DAY)
    # Not even around the services, by the ORM or raw SQL:
    for attempt in (
        lambda: Invoice.objects.filter(pk=invoice.pk).update(total_net=Decimal("1.00")),
        lambda: Invoice.objects.filter(pk=invoice.pk).update(status="draft"),
        lambda: InvoiceLine.objects.filter(invoice=invoice).update(unit_price=Decimal("1.00")),
        lambda: InvoiceLine.objects.create(
            invoice=invoice, description="sneaked in", quantity=1, unit_price=1, vat_rate=0, net_amount=1, vat_amount=0
        ),
        lambda: connection.cursor().execute("DELETE FROM billing_invoice WHERE id = %s", [invoice.pk]),
    ):
        with pytest.raises(DatabaseError, match="issued document|cannot change|credit note"), transaction.atomic():
            attempt()
    invoice.refresh_from_db()
    assert (invoice.total_net, invoice.status, invoice.lines.count()) == (Decimal("100.00"), "issued", 1)


def test_a_draft_can_still_change(in_books_eur):
    activity = factories.activity()
    draft = document_create(
        kind="invoice", activity=activity, client=factories.client(), currency="EUR", lines=[line("10")]
    )
    document_add_line(invoice=draft, line=line("5"))
    issued = document_issue(invoice=draft, on=DAY)
    assert issued.total_net == Decimal("15.00")


def test_partial_payments_then_paid_and_never_more_than_due(in_books_eur):
    activity = factories.activity()
    invoice = _issued(activity, line("100.00"))  # 121.00 due
    payment_record(invoice=invoice, amount=Decimal("21.00"), currency="EUR", on=DAY)
    invoice.refresh_from_db()
    assert (invoice.status, document_due(invoice)) == (InvoiceStatus.PARTLY_PAID, Decimal("100.00"))
    before = _state()
    with pytest.raises(PlatformError) as refused:
        payment_record(invoice=invoice, amount=Decimal("100.01"), currency="EUR", on=DAY)
    assert refused.value.code == errors.PAYMENT_EXCEEDS_DUE
    assert refused.value.details == {"amount": "100.01", "due": "100.00"}
    with pytest.raises(PlatformError) as refused:
        payment_record(invoice=invoice, amount=Decimal("10.00"), currency="SEK", on=DAY)
    assert refused.value.code == errors.CURRENCY_MISMATCH
    with pytest.raises(PlatformError) as refused:
        payment_record(invoice=invoice, amount=Decimal("0"), currency="EUR", on=DAY)
    assert refused.value.code == errors.PAYMENT_INVALID
    assert _state() == before
    payment_record(invoice=invoice, amount=Decimal("100.00"), currency="EUR", on=DAY)
    invoice.refresh_from_db()
    assert (invoice.status, document_due(invoice)) == (InvoiceStatus.PAID, Decimal("0.00"))
    assert trial_balance()["EUR"]["1000"] == Decimal("121.00")
    assert trial_balance()["EUR"]["1100"] == Decimal("0.00")


def test_a_credit_note_gives_back_income_vat_and_levy(in_books_eur):
    activity = factories.activity()
    invoice = _issued(activity, line("1000.00"))  # levy 65.00
    note = credit_note_issue(invoice=invoice, lines=[line("200.00")], on=DAY)
    assert note.number == "CN2026-000001"
    assert (note.total_gross, note.levy_amount, note.credit_of) == (Decimal("242.00"), Decimal("13.00"), invoice)
    assert activity_balance(activity.pk, "EUR") == Decimal("748.00")  # 935 - 200 + 13
    assert activity_levy_paid(activity.pk) == {"EUR": Decimal("52.00")}
    assert document_due(invoice) == Decimal("968.00")
    with pytest.raises(PlatformError) as refused:
        credit_note_issue(invoice=invoice, lines=[line("800.01")], on=DAY)
    assert refused.value.code == errors.CREDIT_EXCEEDS_INVOICE
    assert Invoice.objects.filter(kind="credit_note").count() == 1
    note2 = credit_note_issue(invoice=invoice, lines=[line("800.00")], on=DAY)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID  # nothing left to pay
    assert note2.number == "CN2026-000002"
    assert activity_balance(activity.pk, "EUR") == Decimal("0.00")


def test_huf_is_invoiced_in_whole_forints(in_books_huf):
    activity = factories.activity(currency="HUF")
    invoice = _issued(activity, line("10007.00", vat="27"))
    assert (invoice.total_net, invoice.total_vat, invoice.levy_amount) == (
        Decimal("10007.00"),
        Decimal("2702.00"),
        Decimal("650.00"),
    )
    assert activity_balance(activity.pk, "HUF") == Decimal("9357.00")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name": " "}, errors.COUNTERPARTY_NAME_INVALID),
        ({"name": "x" * 201}, errors.COUNTERPARTY_NAME_INVALID),
        ({"country": "XX"}, errors.COUNTERPARTY_COUNTRY_UNKNOWN),
        ({"vat_number": "BE0403170702"}, errors.COUNTERPARTY_VAT_INVALID),
        ({"email": "no-at-sign"}, errors.COUNTERPARTY_EMAIL_INVALID),
    ],
)
def test_bad_clients_are_refused(in_books_eur, change, code):
    from tenants.billing.models import Client
    from tenants.billing.services import client_create

    before = Client.objects.count()
    with pytest.raises(PlatformError) as refused:
        client_create(**{"name": "Théâtre", "country": "be", "vat_number": "", "email": "", **change})
    assert refused.value.code == code
    assert Client.objects.count() == before
    client = client_create(name=" Théâtre ", country="be", vat_number="BE 0403.170.701", email="a@b.be")
    assert (client.name, client.country, client.vat_number) == ("Théâtre", "BE", "0403170701")


def test_statement_memos_are_stored_as_keys_and_shown_in_the_readers_language(in_books_eur):
    from django.utils import translation

    from tenants.ledger.models import JournalLine
    from tenants.ledger.selectors import activity_statement

    activity = factories.activity()
    _issued(activity, line("100.00"))
    assert set(JournalLine.objects.filter(account=activity.account).values_list("memo", flat=True)) == {
        "income excl. VAT",
        "single percentage",
    }
    with translation.override("fr"):
        assert [row.memo for row in activity_statement(activity.pk)] == ["recette hors TVA", "pourcentage unique"]
    with translation.override("de"):
        assert [row.memo for row in activity_statement(activity.pk)] == [
            "Einnahme ohne USt.",
            "einheitlicher Prozentsatz",
        ]
