"""Per-entity double-entry ledger.

Every money movement is one ``JournalEntry`` whose ``JournalLine``s balance per currency. The
database enforces it (a deferred constraint trigger checks each entry at commit), and posted entries
can be neither updated nor deleted (triggers raise, whoever asks): corrections are reversals.

Amounts are signed: debit positive, credit negative. Accounts have no currency of their own; every
balance is per currency.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    BANK = "bank", _("Bank")
    CLIENT_RECEIVABLE = "client_receivable", _("Client receivables")
    FUNDER_RECEIVABLE = "funder_receivable", _("Funder receivables")
    VAT_PAYABLE = "vat_payable", _("VAT payable")
    LEVY_INCOME = "levy_income", _("Levy income (single percentage)")
    GUARANTEE_FUND_CONTRIBUTION = "guarantee_fund_contribution", _("Guarantee fund contribution")
    WAGES_PAYABLE = "wages_payable", _("Wages payable")
    AUTHORS_RIGHTS_PAYABLE = "authors_rights_payable", _("Author's rights payable")
    MEMBER_PAYABLE = "member_payable", _("Expense refunds payable")
    # Wages already charged to activities, pooled per open-ended contract and paid out monthly
    # (payroll smoothing, C9). Owed to members: credit-normal like the other payables.
    SMOOTHING_RESERVE = "smoothing_reserve", _("Smoothing reserve (open-ended contracts)")
    # Owed to the group's mutualised services (shared_services): wage advances of the guarantee fund,
    # advances on granted subsidies of the financing service.
    GUARANTEE_ADVANCE_PAYABLE = "guarantee_advance_payable", _("Advances from the guarantee fund")
    SUBSIDY_ADVANCE_PAYABLE = "subsidy_advance_payable", _("Advances on granted subsidies")
    ACTIVITY = "activity", _("Activity budget")


# What a positive (debit) balance means for the account: assets and expenses are debit-normal.
DEBIT_NORMAL = frozenset({AccountKind.BANK, AccountKind.CLIENT_RECEIVABLE, AccountKind.FUNDER_RECEIVABLE})


class Account(models.Model):
    """One account of the entity's chart. Activity accounts are one per activity (``activity_id``)."""

    kind = models.CharField(_("kind"), max_length=40, choices=AccountKind.choices)
    activity = models.OneToOneField(
        "activities.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="activity") & Q(activity__isnull=False))
                | (~Q(kind="activity") & Q(activity__isnull=True)),
                name="ledger_account_activity_iff_activity_kind",
            ),
            models.UniqueConstraint(fields=["kind"], condition=~Q(kind="activity"), name="ledger_one_account_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EntryKind(models.TextChoices):
    INVOICE_ISSUED = "invoice_issued", _("Invoice issued")
    CREDIT_NOTE_ISSUED = "credit_note_issued", _("Credit note issued")
    FUNDING_GRANTED = "funding_granted", _("Funding agreement signed")
    CLIENT_PAYMENT = "client_payment", _("Client payment")
    FUNDER_PAYMENT = "funder_payment", _("Funder payment")
    CONTRACT_SIGNED = "contract_signed", _("Contract signed")
    WAGE_PAID = "wage_paid", _("Wage paid")
    EXPENSE_APPROVED = "expense_approved", _("Expense approved")
    EXPENSE_REFUNDED = "expense_refunded", _("Expense refunded")
    SMOOTHING_FUNDED = "smoothing_funded", _("Smoothing reserve funded")
    SMOOTHING_SALARY = "smoothing_salary", _("Monthly salary paid from the smoothing reserve")
    FUND_CONTRIBUTION = "fund_contribution", _("Contribution to the guarantee fund")
    GUARANTEE_ADVANCE = "guarantee_advance", _("Wage advance from the guarantee fund")
    GUARANTEE_REPAYMENT = "guarantee_repayment", _("Guarantee fund advance repaid")
    GUARANTEE_COVER = "guarantee_cover", _("Unpaid invoice covered by the guarantee fund")
    SUBSIDY_ADVANCE = "subsidy_advance", _("Advance on a granted subsidy")
    SUBSIDY_ADVANCE_REPAID = "subsidy_advance_repaid", _("Subsidy advance repaid")
    EQUIPMENT_LOAN = "equipment_loan", _("Equipment loan paid out")
    EQUIPMENT_LOAN_REPAYMENT = "equipment_loan_repayment", _("Equipment loan instalment")
    REVERSAL = "reversal", _("Reversal")


class JournalEntry(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=40, choices=EntryKind.choices)
    date = models.DateField(_("date"))
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    description = models.CharField(_("description"), max_length=300)
    # What the entry records: "billing.invoice:<uuid>", "payroll.contract:<uuid>"...
    source = models.CharField(_("source"), max_length=120, db_index=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by", verbose_name=_("reverses")
    )
    posted_by = models.CharField(_("posted by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.description}"


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    # Signed: debit > 0, credit < 0. Never zero.
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    # Analytic dimension: the activity the line concerns, whatever the account (a receivable, the levy).
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_lines"
    )
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    # The activity's stage when the line was posted (analytic snapshot, written once with the line;
    # the group's consolidation reports by it).
    activity_stage = models.CharField(
        _("activity stage when posted"), max_length=40, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_line_not_zero"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="ledger_line_currency_iso"),
        ]
        indexes = [models.Index(fields=["account", "currency"], name="ledger_line_account_currency")]

    def __str__(self) -> str:
        return f"{self.account.code} {self.amount} {self.currency}"


class OutboxEvent(models.Model):
    """Written in the same transaction as each posted entry; drained by the group's consolidation."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=60)
    occurred_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [models.Index(fields=["published_at", "id"], name="ledger_outbox_unpublished")]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id}"
