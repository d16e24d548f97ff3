"""An expense can be submitted as multipart/form-data with its receipt."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from tenants.billing.models import Expense

pytestmark = pytest.mark.django_db


def test_an_expense_with_its_receipt(eur, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    member = eur.ok(
        "post",
        "members/",
        {"kind": "natural", "category": "natural_user", "first_name": "R", "last_name": "S"},
        status=201,
    )
    activity = eur.ok("post", "activities/", {"name": "Film", "holder": member["id"]}, status=201)
    receipt = SimpleUploadedFile("ticket.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    response = eur.client.post(
        "/api/v1/expenses/",
        {
            "activity": activity["id"],
            "member": member["id"],
            "description": "Train",
            "amount": "42.10",
            "currency": "EUR",
            "spent_on": "2026-05-01",
            "receipt": receipt,
        },
        HTTP_HOST=eur.host,
    )
    assert response.status_code == 201, response.content
    expense = response.json()
    assert (expense["amount"], expense["has_receipt"], expense["supplier"]) == (
        {"amount": "42.10", "currency": "EUR"},
        True,
        None,
    )
    with tenant_context(eur.entity):
        stored = Expense.objects.get(public_id=expense["id"])
        assert stored.receipt.read() == b"%PDF-1.4 receipt"
    # Multipart amounts are strings too, and are checked the same way.
    response = eur.client.post(
        "/api/v1/expenses/",
        {"activity": activity["id"], "member": member["id"], "description": "Taxi", "amount": "1e3", "currency": "EUR"},
        HTTP_HOST=eur.host,
    )
    assert eur.refused(response, 400, "invalid")["fields"].keys() == {"amount"}
