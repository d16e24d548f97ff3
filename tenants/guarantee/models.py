"""The entity's side of the salary guarantee fund (per-entity schema): how far each unpaid invoice
has gone down the dunning ladder. The fund's decisions and money live in the public schema
(shared_services.guarantee); this schema only records what happened to its own documents."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DunningStepKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    FORMAL_NOTICE = "formal_notice", _("Formal notice")
    COVER = "cover", _("Covered by the guarantee fund")


class DunningStep(models.Model):
    """One rung of the ladder reached by one invoice (once: the database refuses a second)."""

    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT, related_name="dunning_steps")
    step = models.CharField(_("step"), max_length=20, choices=DunningStepKind.choices)
    reached_on = models.DateField(_("reached on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invoice_id", "reached_on", "id"]
        verbose_name = _("dunning step")
        verbose_name_plural = _("dunning steps")
        constraints = [models.UniqueConstraint(fields=["invoice", "step"], name="guarantee_dunning_step_once")]

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.step} {self.reached_on}"
