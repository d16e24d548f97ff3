"""Provisioning requests (public schema): a new entity asked for through the API, built by a task."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProvisioningStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ProvisioningRequest(models.Model):
    """One request to create an entity. ``spec`` holds the arguments of ``entity_create`` (never a
    password); the task fills ``entity`` or ``error_code``/``error_message``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ProvisioningStatus.choices, default=ProvisioningStatus.PENDING
    )
    spec = models.JSONField(_("requested entity"))
    slug = models.SlugField(_("short name"), max_length=40)
    entity = models.ForeignKey(
        "entities.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="provisioning_requests"
    )
    error_code = models.CharField(_("error code"), max_length=80, blank=True)
    error_message = models.CharField(_("error message"), max_length=500, blank=True)
    requested_by = models.CharField(_("requested by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("provisioning request")
        verbose_name_plural = _("provisioning requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "running", "done", "failed"]),
                name="provisioning_status_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(entity__isnull=False), name="provisioning_done_has_entity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug} ({self.status})"
