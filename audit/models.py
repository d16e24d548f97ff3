"""One append-only audit record per change of a watched row (``registry.py``), written by a
PostgreSQL trigger in the schema of the table (each entity's schema has its own trail; the public
schema has the group's). Nobody can change or delete a record: triggers refuse it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("at"))
    schema_name = models.CharField(_("schema"), max_length=63)
    # The entity the change belongs to: the schema's entity, or the row's entity in a public table.
    entity_id = models.BigIntegerField(_("entity"), null=True, blank=True)
    table_name = models.CharField(_("table"), max_length=63)
    operation = models.CharField(_("operation"), max_length=6)
    row_pk = models.CharField(_("row"), max_length=64, blank=True)
    actor = models.CharField(_("actor"), max_length=200)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        indexes = [
            models.Index(fields=["table_name", "row_pk"], name="audit_table_row"),
            models.Index(fields=["request_id"], name="audit_request"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.operation} {self.table_name} {self.row_pk}"
