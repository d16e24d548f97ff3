"""Invoices, funding agreements, credit notes, client payments and expenses, each posted to the ledger."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Sum
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from config.db import connection
from config.errors import PlatformError
from tenants.activities.coverage import activity_require_cover
from tenants.activities.models import Activity
from tenants.ledger import memos
from tenants.ledger.models import AccountKind, EntryKind
from tenants.ledger.money import percent_of, round_amount
from tenants.ledger.services import Posting, account, entry_post
from tenants.members.models import Member
from tenants.registry.selectors import levy_policy_for
from tenants.registry.validators import clean_company_number, country_codes

from . import errors
from .models import (
    FUNDING_KINDS,
    Client,
    Expense,
    ExpenseStatus,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    NumberSequence,
    Payment,
    Supplier,
)
from .vat import allowed_vat_rates

_PREFIX = {
    InvoiceKind.INVOICE: "INV",
    InvoiceKind.CREDIT_NOTE: "CN",
    InvoiceKind.GRANT: "FA",
    InvoiceKind.SPONSORSHIP: "FA",
}


@dataclass(frozen=True)
class LineInput:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    currency: str | None = None  # when given, must be the document's currency


def _clean_counterparty(*, name: str, country: str, vat_number: str, email: str) -> dict[str, str]:
    """Name, country, VAT number (checked for its country when given) and e-mail of a client or supplier."""
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise errors.catalog.error(errors.COUNTERPARTY_NAME_INVALID, field="name")
    code = (country or "").strip().upper()
    if code not in country_codes():
        raise errors.catalog.error(errors.COUNTERPARTY_COUNTRY_UNKNOWN, field="country")
    vat_number = (vat_number or "").strip()
    if vat_number:
        try:
            vat_number = clean_company_number(code, vat_number)
        except PlatformError:
            raise errors.catalog.error(errors.COUNTERPARTY_VAT_INVALID, field="vat_number") from None
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise errors.catalog.error(errors.COUNTERPARTY_EMAIL_INVALID, field="email") from None
    return {"name": name, "country": code, "vat_number": vat_number, "email": email}


def client_create(
    *, name: str, country: str, is_funder: bool = False, vat_number: str = "", email: str = "", address: str = ""
) -> Client:
    fields = _clean_counterparty(name=name, country=country, vat_number=vat_number, email=email)
    return Client.objects.create(is_funder=is_funder, address=(address or "").strip(), **fields)


def supplier_create(*, name: str, country: str, vat_number: str = "", email: str = "", address: str = "") -> Supplier:
    fields = _clean_counterparty(name=name, country=country, vat_number=vat_number, email=email)
    return Supplier.objects.create(address=(address or "").strip(), **fields)


def _entity_country() -> str:
    return str(getattr(connection.tenant, "country", ""))


def _check_currency(expected: str, got: str) -> None:
    if expected != got:
        raise errors.catalog.error(errors.CURRENCY_MISMATCH, field="currency", expected=expected, got=got)


def _build_line(invoice: Invoice, line: LineInput) -> InvoiceLine:
    if line.currency is not None:
        _check_currency(invoice.currency, line.currency)
    for value in (line.quantity, line.unit_price, line.vat_rate):
        if not isinstance(value, Decimal):
            raise TypeError("document amounts are Decimal")
    if line.quantity <= 0:
        raise errors.catalog.error(errors.QUANTITY_INVALID, field="quantity")
    if line.unit_price <= 0:
        raise errors.catalog.error(errors.PRICE_INVALID, field="unit_price")
    country = _entity_country()
    if line.vat_rate not in allowed_vat_rates(country) or (invoice.kind in FUNDING_KINDS and line.vat_rate != 0):
        raise errors.catalog.error(errors.VAT_RATE_INVALID, field="vat_rate", rate=line.vat_rate, country=country)
    net = round_amount(line.quantity * line.unit_price, invoice.currency)
    if net <= 0:  # below the currency's smallest unit
        raise errors.catalog.error(errors.PRICE_INVALID, field="unit_price")
    return InvoiceLine(
        invoice=invoice,
        description=line.description.strip()[:300],
        quantity=line.quantity,
        unit_price=line.unit_price,
        vat_rate=line.vat_rate,
        net_amount=net,
        vat_amount=percent_of(net, line.vat_rate, invoice.currency),
    )


def document_create(
    *, kind: str, activity: Activity, client: Client, currency: str, lines: Sequence[LineInput]
) -> Invoice:
    """A draft invoice or funding agreement (grant, sponsorship) for the activity."""
    if kind not in (InvoiceKind.INVOICE, InvoiceKind.GRANT, InvoiceKind.SPONSORSHIP):
        raise errors.catalog.error(errors.KIND_UNKNOWN, field="kind")
    if kind in FUNDING_KINDS and not client.is_funder:
        raise errors.catalog.error(errors.FUNDING_NEEDS_FUNDER, field="client")
    _check_currency(activity.currency, currency)
    if not lines:
        raise errors.catalog.error(errors.NO_LINES)
    with transaction.atomic():
        invoice = Invoice.objects.create(
            kind=kind, activity=activity, client=client, currency=currency, client_name=client.name
        )
        InvoiceLine.objects.bulk_create([_build_line(invoice, line) for line in lines])
    return invoice


def document_add_line(*, invoice: Invoice, line: LineInput) -> InvoiceLine:
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status != InvoiceStatus.DRAFT:
            raise errors.catalog.error(errors.NOT_DRAFT, status=409)
        built = _build_line(locked, line)
        built.save()
    return built


def _next_number(kind: str, year: int) -> str:
    prefix = _PREFIX[InvoiceKind(kind)]
    # Create the year's sequence if needed without racing a concurrent first issue, then lock it.
    NumberSequence.objects.bulk_create([NumberSequence(prefix=prefix, year=year)], ignore_conflicts=True)
    sequence = NumberSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}{year}-{sequence.last:06d}"


def _totals(invoice: Invoice) -> tuple[Decimal, Decimal]:
    sums = invoice.lines.aggregate(net=Sum("net_amount"), vat=Sum("vat_amount"))
    return sums["net"] or Decimal(0), sums["vat"] or Decimal(0)


def _receivable(invoice: Invoice) -> AccountKind:
    return AccountKind.FUNDER_RECEIVABLE if invoice.kind in FUNDING_KINDS else AccountKind.CLIENT_RECEIVABLE


def document_issue(*, invoice: Invoice, on: datetime.date, by: str = "", due_in_days: int = 30) -> Invoice:
    """Issue the draft: number, totals, the single percentage, and its ledger entry. From now on the
    document is frozen (the database refuses any edit)."""
    with transaction.atomic():
        doc = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if doc.status != InvoiceStatus.DRAFT:
            raise errors.catalog.error(errors.NOT_DRAFT, status=409)
        net, vat = _totals(doc)
        if net <= 0:
            raise errors.catalog.error(errors.NO_LINES)
        policy = levy_policy_for(country=_entity_country(), on=on)
        levy = percent_of(net, policy.rate, doc.currency)
        doc.number = _next_number(doc.kind, on.year)
        doc.issue_date, doc.due_date = on, on + datetime.timedelta(days=due_in_days)
        doc.status = InvoiceStatus.ISSUED
        doc.levy_rate, doc.total_net, doc.total_vat, doc.total_gross, doc.levy_amount = (
            policy.rate,
            net,
            vat,
            net + vat,
            levy,
        )
        doc.save()
        a, c = doc.activity, doc.currency
        entry_post(
            kind=EntryKind.FUNDING_GRANTED if doc.kind in FUNDING_KINDS else EntryKind.INVOICE_ISSUED,
            on=on,
            description=f"{doc.number} {doc.client_name}",
            source=f"billing.invoice:{doc.public_id}",
            posted_by=by,
            postings=[
                Posting(account(_receivable(doc)), net + vat, c, a.pk, memos.AMOUNT_DUE),
                Posting(account(AccountKind.VAT_PAYABLE), -vat, c, a.pk, memos.VAT),
                Posting(a.account, -net, c, a.pk, memos.INCOME),
                Posting(a.account, levy, c, a.pk, memos.LEVY),
                Posting(account(AccountKind.LEVY_INCOME), -levy, c, a.pk, memos.LEVY),
            ],
        )
    return doc


def document_due(invoice: Invoice) -> Decimal:
    """What the client still owes on an issued document: total, minus credit notes, minus payments."""
    credited = invoice.credit_notes.aggregate(total=Sum("total_gross"))["total"] or Decimal(0)
    paid = invoice.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return invoice.total_gross - credited - paid


def _refresh_payment_status(doc: Invoice) -> None:
    due = document_due(doc)
    status = (
        InvoiceStatus.PAID
        if due <= 0
        else (InvoiceStatus.PARTLY_PAID if doc.payments.exists() else InvoiceStatus.ISSUED)
    )
    if status != doc.status:
        doc.status = status
        doc.save(update_fields=["status"])


def credit_note_issue(*, invoice: Invoice, lines: Sequence[LineInput], on: datetime.date, by: str = "") -> Invoice:
    """Correct an issued invoice: the credit note gives back income, VAT and the levy on it."""
    with transaction.atomic():
        original = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if original.kind != InvoiceKind.INVOICE or original.status == InvoiceStatus.DRAFT:
            raise errors.catalog.error(errors.CREDIT_OF_INVALID, status=409)
        if not lines:
            raise errors.catalog.error(errors.NO_LINES)
        note = Invoice.objects.create(
            kind=InvoiceKind.CREDIT_NOTE,
            activity=original.activity,
            client=original.client,
            currency=original.currency,
            credit_of=original,
            client_name=original.client_name,
        )
        InvoiceLine.objects.bulk_create([_build_line(note, line) for line in lines])
        net, vat = _totals(note)
        already = original.credit_notes.exclude(pk=note.pk).aggregate(total=Sum("total_gross"))["total"] or Decimal(0)
        remaining = original.total_gross - already
        if net + vat > remaining:
            raise errors.catalog.error(errors.CREDIT_EXCEEDS_INVOICE, status=409, amount=net + vat, remaining=remaining)
        assert original.levy_rate is not None
        levy = percent_of(net, original.levy_rate, original.currency)
        note.number = _next_number(note.kind, on.year)
        note.issue_date = note.due_date = on
        note.status = InvoiceStatus.ISSUED
        note.levy_rate, note.total_net, note.total_vat, note.total_gross, note.levy_amount = (
            original.levy_rate,
            net,
            vat,
            net + vat,
            levy,
        )
        note.save()
        a, c = original.activity, original.currency
        entry_post(
            kind=EntryKind.CREDIT_NOTE_ISSUED,
            on=on,
            description=f"{note.number} → {original.number}",
            source=f"billing.invoice:{note.public_id}",
            posted_by=by,
            postings=[
                Posting(account(AccountKind.CLIENT_RECEIVABLE), -(net + vat), c, a.pk, memos.CREDITED),
                Posting(account(AccountKind.VAT_PAYABLE), vat, c, a.pk, memos.VAT_CREDITED),
                Posting(a.account, net, c, a.pk, memos.INCOME_CREDITED),
                Posting(a.account, -levy, c, a.pk, memos.LEVY_GIVEN_BACK),
                Posting(account(AccountKind.LEVY_INCOME), levy, c, a.pk, memos.LEVY_GIVEN_BACK),
            ],
        )
        _refresh_payment_status(original)
    return note


@dataclass(frozen=True)
class PaymentFacts:
    """What ``settings.PAYMENT_HOOKS`` receive after a payment is recorded (inside its transaction)."""

    payment_id: uuid.UUID
    invoice_id: uuid.UUID
    invoice_kind: str
    activity_id: uuid.UUID
    client_id: uuid.UUID
    currency: str
    amount: Decimal
    # The part of the payment that is the activity's (net of VAT and of the levy).
    activity_share: Decimal
    received_on: datetime.date
    covered_by_fund: bool


def payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    currency: str,
    on: datetime.date,
    reference: str = "",
    by: str = "",
    covered_by_fund: bool = False,
) -> Payment:
    """Record money received from the client or funder (partial payments allowed, never more than due).

    ``covered_by_fund``: the salary guarantee fund pays what the client did not (it then recovers the
    debt from the client itself); the entry says so. Every hook of ``settings.PAYMENT_HOOKS`` then
    runs in the same transaction (the guarantee fund takes back its advance first)."""
    if not isinstance(amount, Decimal) or amount <= 0:
        raise errors.catalog.error(errors.PAYMENT_INVALID, field="amount")
    with transaction.atomic():
        doc = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if doc.kind == InvoiceKind.CREDIT_NOTE or doc.status == InvoiceStatus.DRAFT:
            raise errors.catalog.error(errors.NOT_ISSUED, status=409)
        _check_currency(doc.currency, currency)
        amount = round_amount(amount, currency)
        if amount <= 0:  # less than the currency's smallest unit
            raise errors.catalog.error(errors.PAYMENT_INVALID, field="amount")
        due = document_due(doc)
        if amount > due:
            raise errors.catalog.error(errors.PAYMENT_EXCEEDS_DUE, status=409, field="amount", amount=amount, due=due)
        payment = Payment.objects.create(
            invoice=doc, amount=amount, currency=currency, received_on=on, reference=reference
        )
        if covered_by_fund:
            payment_kind = EntryKind.GUARANTEE_COVER
        else:
            payment_kind = EntryKind.FUNDER_PAYMENT if doc.kind in FUNDING_KINDS else EntryKind.CLIENT_PAYMENT
        entry_post(
            kind=payment_kind,
            on=on,
            description=f"{doc.number} {reference}".strip(),
            source=f"billing.payment:{payment.public_id}",
            posted_by=by,
            postings=[
                Posting(account(AccountKind.BANK), amount, currency, doc.activity_id),
                Posting(account(_receivable(doc)), -amount, currency, doc.activity_id),
            ],
        )
        _refresh_payment_status(doc)
        share = amount * (doc.total_net - doc.levy_amount) / doc.total_gross if doc.total_gross else Decimal(0)
        facts = PaymentFacts(
            payment_id=payment.public_id,
            invoice_id=doc.public_id,
            invoice_kind=doc.kind,
            activity_id=doc.activity.public_id,
            client_id=doc.client.public_id,
            currency=currency,
            amount=amount,
            activity_share=round_amount(share, currency),
            received_on=on,
            covered_by_fund=covered_by_fund,
        )
        for hook in settings.PAYMENT_HOOKS:
            import_string(hook)(facts)
    return payment


def expense_submit(
    *,
    activity: Activity,
    member: Member,
    description: str,
    amount: Decimal,
    currency: str,
    on: datetime.date,
    supplier: Supplier | None = None,
    receipt: UploadedFile | None = None,
) -> Expense:
    _check_currency(activity.currency, currency)
    if not (description or "").strip() or not isinstance(amount, Decimal) or round_amount(amount, currency) <= 0:
        raise errors.catalog.error(errors.EXPENSE_INVALID)
    expense = Expense(
        activity=activity,
        member=member,
        supplier=supplier,
        description=description.strip(),
        amount=round_amount(amount, currency),
        currency=currency,
        spent_on=on,
    )
    if receipt is not None:
        expense.receipt = receipt  # type: ignore[assignment]
    expense.save()
    return expense


def _locked_expense(expense: Expense, expected: str, action: StrOrPromise) -> Expense:
    locked = Expense.objects.select_for_update().select_related("activity").get(pk=expense.pk)
    if locked.status != expected:
        raise errors.catalog.error(
            errors.EXPENSE_STATUS, status=409, status_label=locked.get_status_display(), action=action
        )
    return locked


def expense_approve(*, expense: Expense, on: datetime.date, by: str = "") -> Expense:
    """Charge the expense to the activity (one of the three ways money leaves it); refused if the
    activity's balance does not cover it."""
    with transaction.atomic():
        locked = _locked_expense(expense, ExpenseStatus.SUBMITTED, _("approved"))
        activity_require_cover(
            activity=locked.activity, currency=locked.currency, cost=locked.amount, purpose="expense"
        )
        entry_post(
            kind=EntryKind.EXPENSE_APPROVED,
            on=on,
            description=locked.description,
            source=f"billing.expense:{locked.public_id}",
            posted_by=by,
            postings=[
                Posting(
                    locked.activity.account, locked.amount, locked.currency, locked.activity_id, memos.EXPENSE_REFUND
                ),
                Posting(account(AccountKind.MEMBER_PAYABLE), -locked.amount, locked.currency, locked.activity_id),
            ],
        )
        locked.status = ExpenseStatus.APPROVED
        locked.save(update_fields=["status"])
    return locked


def expense_refund(*, expense: Expense, on: datetime.date, by: str = "") -> Expense:
    with transaction.atomic():
        locked = _locked_expense(expense, ExpenseStatus.APPROVED, _("refunded"))
        entry_post(
            kind=EntryKind.EXPENSE_REFUNDED,
            on=on,
            description=locked.description,
            source=f"billing.expense:{locked.public_id}",
            posted_by=by,
            postings=[
                Posting(account(AccountKind.MEMBER_PAYABLE), locked.amount, locked.currency, locked.activity_id),
                Posting(account(AccountKind.BANK), -locked.amount, locked.currency, locked.activity_id),
            ],
        )
        locked.status = ExpenseStatus.REFUNDED
        locked.save(update_fields=["status"])
    return locked


def expense_reject(*, expense: Expense) -> Expense:
    with transaction.atomic():
        locked = _locked_expense(expense, ExpenseStatus.SUBMITTED, _("rejected"))
        locked.status = ExpenseStatus.REJECTED
        locked.save(update_fields=["status"])
    return locked
