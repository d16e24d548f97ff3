"""Expenses through the pages: submitted with a receipt, approved (charged to the activity), refunded,
or rejected."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy

from tenants.billing import errors as billing_errors
from tenants.billing.models import Expense, ExpenseStatus
from tenants.ledger.models import JournalEntry

from .conftest import created_id, declare, money, refusal, text

pytestmark = pytest.mark.django_db

RECEIPT = b"%PDF-1.4 receipt of the train ticket"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_submit_with_a_receipt_approve_and_refund(books, media):
    done = declare(books, net="1000.00")  # balance 935.00
    form = books.get("expense_create", {"activity": str(done.activity)})
    assert form.status_code == 200
    assert f'<option value="{done.activity}" selected>' in text(form)
    expense_id = created_id(
        books.client.post(
            "/expenses/new/",
            {
                "activity": done.activity,
                "member": done.member,
                "supplier": "",
                "description": "Train Brussels-Liège",
                "amount": "35.40",
                "currency": "EUR",
                "spent_on": "2026-05-12",
                "receipt": SimpleUploadedFile("ticket.pdf", RECEIPT, content_type="application/pdf"),
            },
            HTTP_HOST=books.host,
        )
    )
    page = books.get("expense_detail", expense_id=expense_id)
    assert money(page, "amount") == Decimal("35.40")
    assert 'data-status="submitted"' in text(page)

    receipt = books.get("expense_receipt", expense_id=expense_id)
    assert receipt.status_code == 200
    assert b"".join(receipt.streaming_content) == RECEIPT
    assert receipt["Content-Disposition"].startswith('attachment; filename="ticket')
    with books.inside():
        stored = Expense.objects.get(public_id=expense_id).receipt.name
    assert (media / stored).read_bytes() == RECEIPT

    assert books.post("expense_approve", expense_id=expense_id).status_code == 302
    assert money(books.get("activity_detail", activity_id=done.activity), "balance-EUR") == Decimal("899.60")
    assert books.post("expense_refund", expense_id=expense_id).status_code == 302
    page = books.get("expense_detail", expense_id=expense_id)
    assert 'data-status="refunded"' in text(page)
    assert money(books.get("activity_detail", activity_id=done.activity), "balance-EUR") == Decimal("899.60")

    # Refunded: it can be neither refunded again nor rejected.
    with books.inside():
        entries = JournalEntry.objects.count()
    again = books.post("expense_reject", expense_id=expense_id)
    assert again.status_code == 409
    message = refusal(
        "fr",
        billing_errors.catalog,
        billing_errors.EXPENSE_STATUS,
        status_label=ExpenseStatus.REFUNDED.label,
        action=gettext_lazy("rejected"),
    )
    assert f'<ul class="errorlist nonfield"><li>{message}</li></ul>' in text(again)
    with books.inside():
        assert JournalEntry.objects.count() == entries
        assert Expense.objects.get(public_id=expense_id).status == "refunded"


def test_a_rejected_expense_costs_the_activity_nothing(books, media):
    done = declare(books, net="1000.00")
    expense_id = created_id(
        books.post(
            "expense_create",
            {
                "activity": done.activity,
                "member": done.member,
                "description": "Dinner",
                "amount": "80",
                "currency": "EUR",
                "spent_on": "2026-05-12",
            },
        )
    )
    page = books.get("expense_detail", expense_id=expense_id)
    assert books.get("expense_receipt", expense_id=expense_id).status_code == 404  # none was attached
    assert "/receipt/" not in text(page)
    assert books.post("expense_reject", expense_id=expense_id).status_code == 302
    assert 'data-status="rejected"' in text(books.get("expense_detail", expense_id=expense_id))
    assert money(books.get("activity_detail", activity_id=done.activity), "balance-EUR") == Decimal("935.00")


def test_an_expense_in_another_currency_than_the_activity_is_refused(books, media):
    done = declare(books, net="1000.00", on=datetime.date(2026, 5, 9))
    with books.inside():
        before = Expense.objects.count()
    response = books.post(
        "expense_create",
        {
            "activity": done.activity,
            "member": done.member,
            "description": "Ferry",
            "amount": "20",
            "currency": "SEK",
            "spent_on": "2026-05-12",
        },
    )
    assert response.status_code == 400
    message = refusal("fr", billing_errors.catalog, billing_errors.CURRENCY_MISMATCH, expected="EUR", got="SEK")
    assert f'<ul class="errorlist" id="id_currency_error"><li>{message}</li></ul>' in text(response)
    with books.inside():
        assert Expense.objects.count() == before
