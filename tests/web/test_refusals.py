"""A refused action shows the service's translated message on the form, answers 400 or 409, and
writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django_tenants.utils import tenant_context

from tenants.activities import errors as activity_errors
from tenants.activities.models import Activity, ActivityMember
from tenants.billing import errors as billing_errors
from tenants.billing.models import Expense, Invoice, NumberSequence, Payment
from tenants.declarations.models import Declaration
from tenants.ledger.models import JournalEntry, OutboxEvent
from tenants.members import errors as member_errors
from tenants.members.models import Member
from tenants.payroll import errors as payroll_errors
from tenants.payroll.models import Contract

from . import forms
from .conftest import declare, refusal, text

pytestmark = pytest.mark.django_db

D = Decimal


def state(browser) -> tuple[int, ...]:
    with browser.inside():
        return (
            Member.objects.count(),
            ActivityMember.objects.count(),
            Invoice.objects.count(),
            Payment.objects.count(),
            Contract.objects.count(),
            Contract.objects.filter(status="paid").count(),
            Declaration.objects.count(),
            Expense.objects.exclude(status="submitted").count(),
            JournalEntry.objects.count(),
            OutboxEvent.objects.count(),
            sum(NumberSequence.objects.values_list("last", flat=True)),
        )


def test_a_payment_larger_than_what_is_due_is_refused(books):
    done = declare(books, net="2000.00")
    before = state(books)
    response = books.post(
        "payment_create", {"amount": "5000", "received_on": "2026-05-20", "reference": ""}, invoice_id=done.invoice
    )
    assert response.status_code == 409
    message = refusal(
        "fr", billing_errors.catalog, billing_errors.PAYMENT_EXCEEDS_DUE, amount=D("5000.00"), due=D("2420.00")
    )
    assert "5000.00" in message and "2420.00" in message
    page = text(response)
    # On the amount field of the re-shown form, which keeps what was typed.
    assert f'<ul class="errorlist" id="payment_amount_error"><li>{message}</li></ul>' in page
    assert 'name="amount" value="5000"' in page
    assert state(books) == before
    with books.inside():
        assert Invoice.objects.get(public_id=done.invoice).status == "issued"


def test_a_declaration_whose_contract_the_balance_cannot_cover_leaves_nothing(books):
    with books.inside():
        from tests import factories

        holder = factories.member(last_name="Overcost")
        activity = factories.activity(holder=holder)
        client = factories.client()
    before = state(books)
    response = books.post(
        "declaration_create",
        forms.declaration(
            activity=activity.public_id,
            client=client.public_id,
            lines=[forms.line("1000.00")],
            performers=[forms.performer(holder.public_id, "700.00")],  # costs 945.00 > 935.00 left
        ),
    )
    assert response.status_code == 409
    message = refusal(
        "fr",
        activity_errors.catalog,
        activity_errors.NOT_COVERED,
        balance=D("935.00"),
        cost=D("945.00"),
        shortfall=D("10.00"),
        currency="EUR",
    )
    assert f'<ul class="errorlist nonfield"><li>{message}</li></ul>' in text(response)
    assert 'name="performers-0-gross" value="700.00"' in text(response)
    assert state(books) == before


def test_a_contract_is_paid_once(books):
    done = declare(books, gross=["300.00"])
    [contract_id] = done.contracts
    assert books.post("contract_pay", {"paid_on": "2026-05-31"}, contract_id=contract_id).status_code == 302
    before = state(books)
    again = books.post("contract_pay", {"paid_on": "2026-06-01"}, contract_id=contract_id)
    assert again.status_code == 409
    assert refusal("fr", payroll_errors.catalog, payroll_errors.ALREADY_PAID) in text(again)
    assert state(books) == before
    with books.inside():
        assert Contract.objects.get(public_id=contract_id).paid_on.isoformat() == "2026-05-31"


def test_an_expense_the_balance_cannot_cover_is_not_approved(books):
    with books.inside():
        from tenants.billing.services import expense_submit
        from tests import factories

        member = factories.member()
        activity = factories.activity(holder=member)
        expense = expense_submit(
            activity=activity,
            member=member,
            description="Train",
            amount=D("50.00"),
            currency="EUR",
            on=factories.DAY,
        )
    before = state(books)
    response = books.post("expense_approve", expense_id=expense.public_id)
    assert response.status_code == 409
    message = refusal(
        "fr",
        activity_errors.catalog,
        activity_errors.NOT_COVERED,
        balance=D("0.00"),
        cost=D("50.00"),
        shortfall=D("50.00"),
        currency="EUR",
    )
    assert message in text(response)
    assert 'data-status="submitted"' in text(response)
    assert state(books) == before


def test_going_back_a_stage_without_a_reason_is_refused_on_the_reason_field(books):
    with books.inside():
        from tests import factories

        activity = factories.activity()  # at "start"
    response = books.post("activity_stage_change", {"to_stage": "idea", "reason": ""}, activity_id=activity.public_id)
    assert response.status_code == 400
    message = refusal("fr", activity_errors.catalog, activity_errors.BACKWARDS_NEEDS_REASON)
    assert f'<ul class="errorlist" id="id_reason_error"><li>{message}</li></ul>' in text(response)
    unchanged = books.post("activity_stage_change", {"to_stage": "start"}, activity_id=activity.public_id)
    assert unchanged.status_code == 409
    assert refusal("fr", activity_errors.catalog, activity_errors.STAGE_UNCHANGED) in text(unchanged)


def test_member_registration_refusals(books):
    before = state(books)
    bad_iban = books.post("member_create", forms.member("Ibanless", iban="BE00 0000"))
    assert bad_iban.status_code == 400
    message = refusal("fr", member_errors.catalog, member_errors.IBAN_INVALID)
    assert f'<ul class="errorlist" id="id_iban_error"><li>{message}</li></ul>' in text(bad_iban)
    missing = books.post("member_create", forms.member(""))
    assert missing.status_code == 400
    assert 'id="id_last_name_error"' in text(missing)
    assert state(books) == before
    assert books.post("member_create", forms.member("Twice")).status_code == 302
    twice = books.post("member_create", forms.member("Twice", email="other@example.test"))
    assert twice.status_code == 409
    assert refusal("fr", member_errors.catalog, member_errors.ALREADY_MEMBER) in text(twice)


def test_another_entitys_objects_are_not_found_and_anonymous_visitors_sign_in_first(books, group):
    with tenant_context(group.alpha.entity):
        foreign_member = Member.objects.first()
        foreign_activity = Activity.objects.first()
    assert books.get("member_detail", member_id=foreign_member.public_id).status_code == 404
    assert books.get("activity_detail", activity_id=foreign_activity.public_id).status_code == 404
    # A foreign id posted in a form is not a valid choice either.
    response = books.post(
        "activity_create", {"name": "X", "currency": "EUR", "holder": foreign_member.public_id, "stage": "idea"}
    )
    assert response.status_code == 400
    assert 'id="id_holder_error"' in text(response)
    with books.inside():
        assert not Activity.objects.filter(name="X").exists()
    anonymous = Client().get(reverse("member_list"), HTTP_HOST=books.host)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    # Actions answer POST only.
    assert books.get("activity_stage_change", activity_id=foreign_activity.public_id).status_code == 405


def test_a_credit_note_larger_than_the_invoice_is_refused(books):
    done = declare(books, net="1000.00")  # 1210.00 including VAT
    before = state(books)
    response = books.post(
        "credit_note_create",
        {"issued_on": "2026-05-15", **forms.formset("lines", [forms.line("1100.00")])},
        invoice_id=done.invoice,
    )
    assert response.status_code == 409
    message = refusal(
        "fr",
        billing_errors.catalog,
        billing_errors.CREDIT_EXCEEDS_INVOICE,
        amount=D("1331.00"),
        remaining=D("1210.00"),
    )
    assert f'<ul class="errorlist nonfield"><li>{message}</li></ul>' in text(response)
    assert state(books) == before


def test_a_grant_with_vat_and_a_declaration_without_lines_are_refused(books):
    with books.inside():
        from tests import factories

        holder = factories.member()
        activity = factories.activity(holder=holder)
        funder = factories.client(is_funder=True)
    before = state(books)
    with_vat = books.post(
        "declaration_create",
        forms.declaration(
            activity=activity.public_id,
            client=funder.public_id,
            document_kind="grant",
            lines=[forms.line("5000.00", vat_rate="21")],
            performers=[],
        ),
    )
    assert with_vat.status_code == 400
    message = refusal("fr", billing_errors.catalog, billing_errors.VAT_RATE_INVALID, rate=D("21"), country="BE")
    assert f'<ul class="errorlist nonfield"><li>{message}</li></ul>' in text(with_vat)
    no_lines = books.post(
        "declaration_create",
        forms.declaration(activity=activity.public_id, client=funder.public_id, lines=[], performers=[]),
    )
    assert no_lines.status_code == 400
    assert 'id="id_lines-0-description_error"' in text(no_lines)
    backwards = books.post(
        "declaration_create",
        forms.declaration(
            activity=activity.public_id,
            client=funder.public_id,
            lines=[forms.line("10.00")],
            performers=[],
            performed_from="2026-05-10",
            performed_to="2026-05-01",
        ),
    )
    assert backwards.status_code == 400
    assert 'id="id_performed_to_error"' in text(backwards)
    assert state(books) == before
