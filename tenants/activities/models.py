"""Activities: the budget units of the entity, "a small enterprise inside the shared enterprise".

An activity's balance is never stored: it is the balance of its ledger account.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    START = "start", _("Start")
    EXPERIMENTATION = "experimentation", _("Experimentation")
    DEVELOPMENT = "development", _("Development")
    CONSOLIDATION = "consolidation", _("Consolidation")
    STABILISATION = "stabilisation", _("Stabilisation or redeployment")
    STOP = "stop", _("Stop")


STAGE_ORDER = [s.value for s in Stage]


class Activity(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    stage_since = models.DateField(_("stage since"))
    currency = models.CharField(_("currency"), max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField("members.Member", through="ActivityMember", related_name="activities")
    clients = models.ManyToManyField("billing.Client", blank=True, related_name="activities")
    suppliers = models.ManyToManyField("billing.Supplier", blank=True, related_name="activities")

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.name


class ActivityRole(models.TextChoices):
    HOLDER = "holder", _("Holder")
    PARTNER = "partner", _("Partner")
    CONTRIBUTOR = "contributor", _("Contributor")


class ActivityMember(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="memberships")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=ActivityRole.choices)
    joined_on = models.DateField(_("joined on"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="activities_member_once")]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_role_display()})"


class StageChange(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="stage_history")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["changed_on", "id"]

    def __str__(self) -> str:
        return f"{self.changed_on} {self.from_stage or '-'} -> {self.to_stage}"


class BudgetLine(models.Model):
    """The activity's plan: expected income or costs per heading (the actuals come from the ledger)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="budget_lines")
    heading = models.CharField(_("heading"), max_length=120)
    is_income = models.BooleanField(_("income"), default=False)
    planned_amount = models.DecimalField(_("planned amount"), max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["-is_income", "heading"]

    def __str__(self) -> str:
        return f"{self.heading} {self.planned_amount}"
