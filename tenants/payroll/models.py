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
