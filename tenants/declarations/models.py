from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Declaration(models.Model):
    """One performance declared by staff: the document, the contracts, the levy, the postings."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="declarations")
    invoice = models.OneToOneField("billing.Invoice", on_delete=models.PROTECT, related_name="declaration")
    contracts = models.ManyToManyField("payroll.Contract", related_name="declarations")
    performed_from = models.DateField(_("performed from"))
    performed_to = models.DateField(_("performed to"))
    country = models.CharField(_("country of the performance"), max_length=2)
    declared_at = models.DateTimeField(auto_now_add=True)
    declared_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-declared_at", "-id"]
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")

    def __str__(self) -> str:
        return f"{self.activity} {self.performed_from}"
