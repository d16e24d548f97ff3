"""Contracts per performance and what they cost the activity (per-entity schema).

Money leaves an activity in exactly three ways: wages or fees, expense refunds (billing.Expense) and
author's rights. ``ContractKind`` is the closed list of the contract-side outflows.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ContractKind(models.TextChoices):
    WAGE = "wage", _("Employment contract (wage)")
    FEES = "fees", _("Fees")
    AUTHORS_RIGHTS = "authors_rights", _("Author's rights")


class ContractStatus(models.TextChoices):
    SIGNED = "signed", _("Signed")
    PAID = "paid", _("Paid")


class EmployerCostRate(models.Model):
    """The entity's employer-cost coefficient (gross -> cost to the activity), versioned by date."""

    coefficient = models.DecimalField(_("coefficient"), max_digits=6, decimal_places=4)
    effective_from = models.DateField(_("effective from"), unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        constraints = [models.CheckConstraint(condition=Q(coefficient__gte=1), name="payroll_coefficient_at_least_one")]

    def __str__(self) -> str:
        return f"x{self.coefficient} from {self.effective_from}"


class Contract(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ContractKind.choices, default=ContractKind.WAGE)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="contracts")
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="contracts")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    country = models.CharField(_("country of the performance"), max_length=2)
    currency = models.CharField(_("currency"), max_length=3)
    gross = models.DecimalField(_("gross amount"), max_digits=18, decimal_places=2)
    coefficient = models.DecimalField(_("employer-cost coefficient"), max_digits=6, decimal_places=4)
    employer_cost = models.DecimalField(_("cost to the activity"), max_digits=18, decimal_places=2)
    status = models.CharField(_("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.SIGNED)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    # Seam for the salary guarantee fund (mutualised services): set when the fund covers the shortfall.
    guarantee_reference = models.CharField(_("guarantee reference"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(condition=Q(gross__gt=0), name="payroll_gross_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="payroll_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.member} {self.starts_on}"


# --- Open-ended contracts with income smoothing (C9) -------------------------------------------------
#
# Income a member earns across many performances is paid into a reserve (wages charged to the
# activities ahead of the payslip) and paid out as a steady monthly salary. The reserve's balance is
# never stored: it is read from the ledger (account ``smoothing_reserve``, entries whose source is the
# agreement). The records below say what each movement was; the ledger says how much is left.


class SmoothingStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class SmoothingAgreement(models.Model):
    """An open-ended employment contract whose monthly salary is paid from a reserve fed by activities."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="smoothing_agreements")
    activities = models.ManyToManyField(
        "activities.Activity", related_name="smoothing_agreements", verbose_name=_("activities feeding the reserve")
    )
    currency = models.CharField(_("currency"), max_length=3)
    monthly_gross = models.DecimalField(_("monthly gross salary"), max_digits=18, decimal_places=2)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SmoothingStatus.choices, default=SmoothingStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("open-ended contract (smoothing)")
        verbose_name_plural = _("open-ended contracts (smoothing)")
        constraints = [
            models.CheckConstraint(condition=Q(monthly_gross__gt=0), name="payroll_smoothing_gross_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="payroll_smoothing_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="active"), name="payroll_smoothing_one_active_per_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.monthly_gross} {self.currency}/month from {self.starts_on}"

    @property
    def ledger_source(self) -> str:
        """The ``source`` of every ledger entry that moves this agreement's reserve (reversals keep it)."""
        return f"payroll.smoothing:{self.public_id}"


class SmoothingFunding(models.Model):
    """Wages moved from one activity into the agreement's reserve (one ledger entry)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agreement = models.ForeignKey(SmoothingAgreement, on_delete=models.PROTECT, related_name="fundings")
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="smoothing_fundings")
    funded_on = models.DateField(_("funded on"))
    amount = models.DecimalField(_("amount moved into the reserve"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    entry = models.OneToOneField(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="smoothing_funding", verbose_name=_("entry")
    )
    # Seam for the salary guarantee fund, as on contracts: set when the fund covers a shortfall.
    guarantee_reference = models.CharField(_("guarantee reference"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-funded_on", "-id"]
        verbose_name = _("smoothing reserve funding")
        verbose_name_plural = _("smoothing reserve fundings")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payroll_smoothing_funding_positive")]

    def __str__(self) -> str:
        return f"{self.funded_on} {self.amount} {self.currency}"


class SmoothingSalary(models.Model):
    """One month's salary paid from the reserve: at most one per agreement and month (the database
    refuses a second one, whoever writes it)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agreement = models.ForeignKey(SmoothingAgreement, on_delete=models.PROTECT, related_name="salaries")
    month = models.DateField(_("month"))  # first day of the month paid
    paid_on = models.DateField(_("paid on"))
    currency = models.CharField(_("currency"), max_length=3)
    gross = models.DecimalField(_("gross salary"), max_digits=18, decimal_places=2)
    coefficient = models.DecimalField(_("employer-cost coefficient"), max_digits=6, decimal_places=4)
    employer_cost = models.DecimalField(_("taken from the reserve"), max_digits=18, decimal_places=2)
    entry = models.OneToOneField(
        "ledger.JournalEntry", on_delete=models.PROTECT, related_name="smoothing_salary", verbose_name=_("entry")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "-id"]
        verbose_name = _("smoothed monthly salary")
        verbose_name_plural = _("smoothed monthly salaries")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "month"], name="payroll_smoothing_one_salary_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="payroll_smoothing_month_first_day"),
            models.CheckConstraint(
                condition=Q(gross__gt=0) & Q(employer_cost__gte=F("gross")), name="payroll_smoothing_salary_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.gross} {self.currency}"
