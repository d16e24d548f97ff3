from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobCheck(models.Model):
    """A round trip through the background workers, asked for by the entity's staff.

    The worker records in which schema it ran, so staff (and the tests) can see that the entity's
    jobs run in the entity and nowhere else.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    requested_by = models.CharField(_("requested by"), max_length=150)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    ran_in_schema = models.CharField(_("ran in schema"), max_length=63, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("background job check")
        verbose_name_plural = _("background job checks")

    def __str__(self) -> str:
        return str(self.public_id)
