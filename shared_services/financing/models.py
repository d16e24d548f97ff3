"""Financing (C8): advances on subsidies already granted, and equipment loans repaid from the
activity's budget. The money is the financing pool's (``shared_services`` pooled ledger)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AdvanceStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PAID = "paid", _("Paid out")
    DECLINED = "declined", _("Declined")
    REPAID = "repaid", _("Repaid")


class SubsidyAdvance(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="subsidy_advances")
    grant_id = models.UUIDField()  # the funding agreement (billing invoice) in the entity's schema
    grant_number = models.CharField(_("funding agreement"), max_length=20)
    funder_name = models.CharField(_("funder"), max_length=200)
    activity_id = models.UUIDField()
    activity_name = models.CharField(_("activity"), max_length=200)
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    repaid = models.DecimalField(_("repaid"), max_digits=18, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=AdvanceStatus.choices, default=AdvanceStatus.REQUESTED
    )
    requested_by = models.CharField(_("requested by"), max_length=150)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("subsidy advance")
        verbose_name_plural = _("subsidy advances")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="financing_advance_positive"),
            models.CheckConstraint(
                condition=Q(repaid__gte=0) & Q(repaid__lte=models.F("amount")), name="financing_advance_repaid_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant_number} {self.amount} {self.currency}"

    @property
    def outstanding(self):  # type: ignore[no-untyped-def]
        return self.amount - self.repaid if self.status == AdvanceStatus.PAID else 0


class LoanStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    DISBURSED = "disbursed", _("Disbursed")
    DECLINED = "declined", _("Declined")
    REPAID = "repaid", _("Repaid")


class EquipmentLoan(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="equipment_loans")
    activity_id = models.UUIDField()
    activity_name = models.CharField(_("activity"), max_length=200)
    purpose = models.CharField(_("equipment"), max_length=300)
    currency = models.CharField(_("currency"), max_length=3)
    principal = models.DecimalField(_("amount lent"), max_digits=18, decimal_places=2)
    annual_rate = models.DecimalField(_("annual interest rate (%)"), max_digits=5, decimal_places=2)
    months = models.PositiveSmallIntegerField(_("months"))
    first_due_on = models.DateField(_("first instalment on"))
    status = models.CharField(_("status"), max_length=20, choices=LoanStatus.choices, default=LoanStatus.REQUESTED)
    requested_by = models.CharField(_("requested by"), max_length=150)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    disbursed_on = models.DateField(_("disbursed on"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("equipment loan")
        verbose_name_plural = _("equipment loans")
        constraints = [
            models.CheckConstraint(
                condition=Q(principal__gt=0) & Q(annual_rate__gte=0) & Q(months__gte=1) & Q(months__lte=120),
                name="financing_loan_terms_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.principal} {self.currency}"


class InstalmentStatus(models.TextChoices):
    DUE = "due", _("Due")
    COLLECTED = "collected", _("Collected")
    LATE = "late", _("Late: the activity's balance did not cover it")


class LoanInstalment(models.Model):
    loan = models.ForeignKey(EquipmentLoan, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField(_("number"))
    due_on = models.DateField(_("due on"))
    principal = models.DecimalField(_("principal"), max_digits=18, decimal_places=2)
    interest = models.DecimalField(_("interest"), max_digits=18, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=20, choices=InstalmentStatus.choices, default=InstalmentStatus.DUE
    )
    collected_on = models.DateField(_("collected on"), null=True, blank=True)

    class Meta:
        ordering = ["loan_id", "number"]
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        constraints = [models.UniqueConstraint(fields=["loan", "number"], name="financing_instalment_once")]

    def __str__(self) -> str:
        return f"{self.number} {self.due_on} {self.amount}"

    @property
    def amount(self):  # type: ignore[no-untyped-def]
        return self.principal + self.interest
