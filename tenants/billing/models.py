"""Clients, suppliers, invoices and funding agreements, client payments, expenses (per-entity schema).

An issued document is never edited (the database refuses it too): corrections are credit notes.
Totals are snapshots of the document as issued; balances live in the ledger.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Counterparty(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)

    class Meta:
        abstract = True
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Client(Counterparty):
    """Who pays: a client for invoices, a funder for grants and sponsorship."""

    is_funder = models.BooleanField(_("funder (grants, sponsorship)"), default=False)

    class Meta(Counterparty.Meta):
        verbose_name = _("client")
        verbose_name_plural = _("clients")


class Supplier(Counterparty):
    class Meta(Counterparty.Meta):
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")
    GRANT = "grant", _("Grant agreement")
    SPONSORSHIP = "sponsorship", _("Sponsorship agreement")


FUNDING_KINDS = frozenset({InvoiceKind.GRANT, InvoiceKind.SPONSORSHIP})


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", _("Paid")


class Invoice(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    number = models.CharField(_("number"), max_length=20, blank=True)
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="invoices")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    currency = models.CharField(_("currency"), max_length=3)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT)
    credit_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes", verbose_name=_("corrects")
    )
    # Snapshots taken when the document is issued.
    levy_rate = models.DecimalField(_("levy rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    total_net = models.DecimalField(_("total excluding VAT"), max_digits=18, decimal_places=2, default=Decimal(0))
    total_vat = models.DecimalField(_("VAT"), max_digits=18, decimal_places=2, default=Decimal(0))
    total_gross = models.DecimalField(_("total including VAT"), max_digits=18, decimal_places=2, default=Decimal(0))
    levy_amount = models.DecimalField(_("levy"), max_digits=18, decimal_places=2, default=Decimal(0))
    client_name = models.CharField(_("client name"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issue_date", "-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="billing_invoice_number_unique"),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(issue_date__isnull=False) & ~Q(number="")),
                name="billing_issued_has_number_and_date",
            ),
            models.CheckConstraint(
                condition=Q(kind="credit_note", credit_of__isnull=False)
                | (~Q(kind="credit_note") & Q(credit_of__isnull=True)),
                name="billing_credit_note_corrects_an_invoice",
            ),
        ]

    def __str__(self) -> str:
        return self.number or _("draft %(id)s") % {"id": self.pk}

    @property
    def is_funding(self) -> bool:
        return self.kind in FUNDING_KINDS


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=18, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    net_amount = models.DecimalField(_("amount excluding VAT"), max_digits=18, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT"), max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class Payment(models.Model):
    """Money received from the client (or funder) against one document; partial payments allowed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    received_on = models.DateField(_("received on"))
    reference = models.CharField(_("reference"), max_length=120, blank=True)

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="billing_payment_positive")]

    def __str__(self) -> str:
        return f"{self.received_on} {self.amount} {self.currency}"


class ExpenseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REFUNDED = "refunded", _("Refunded")
    REJECTED = "rejected", _("Rejected")


class Expense(models.Model):
    """A cost a member paid for the activity, refunded from the activity's budget against a receipt."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="expenses")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="expenses")
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="expenses")
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    spent_on = models.DateField(_("spent on"))
    receipt = models.FileField(_("receipt"), upload_to="receipts/%Y/%m/", blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ExpenseStatus.choices, default=ExpenseStatus.SUBMITTED
    )

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="billing_expense_positive")]

    def __str__(self) -> str:
        return self.description


class NumberSequence(models.Model):
    """Gap-free numbering of issued documents, per prefix and year (locked row per sequence)."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="billing_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year}: {self.last}"
