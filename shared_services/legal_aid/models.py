"""Legal aid (C7): cases for individual or collective interests, confidential to the legal team.

An entity's staff see only that a case exists, its kind, area, status, dates and outcome; the content
(request, summary, parties, deadlines, documents, notes, the outcome's explanation) is read by the
legal team only, and every read of it is written to ``CaseAccessLog``, which PostgreSQL keeps
append-only.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")


class CaseArea(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment and social rights")
    UNPAID_CLIENT = "unpaid_client", _("Contract or unpaid client")
    INTELLECTUAL_PROPERTY = "intellectual_property", _("Intellectual property")
    SOCIAL_SECURITY = "social_security", _("Social security and benefits")
    OTHER = "other", _("Other")


class CaseStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    OPENED = "opened", _("Opened")
    IN_PROGRESS = "in_progress", _("In progress")
    HEARING_SCHEDULED = "hearing_scheduled", _("Hearing scheduled")
    CLOSED = "closed", _("Closed")


CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.REQUESTED: frozenset({CaseStatus.OPENED, CaseStatus.CLOSED}),
    CaseStatus.OPENED: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}),
    CaseStatus.IN_PROGRESS: frozenset({CaseStatus.HEARING_SCHEDULED, CaseStatus.CLOSED}),
    CaseStatus.HEARING_SCHEDULED: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}


class CaseOutcome(models.TextChoices):
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    SETTLED = "settled", _("Settled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ADVICE_GIVEN = "advice_given", _("Advice given")


class LegalCase(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="legal_cases")
    kind = models.CharField(_("kind"), max_length=20, choices=CaseKind.choices)
    area = models.CharField(_("area"), max_length=30, choices=CaseArea.choices)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REQUESTED)
    opened_on = models.DateField(_("requested on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CaseOutcome.choices, blank=True)
    requested_by = models.CharField(_("requested by"), max_length=150)
    # Confidential: the legal team only.
    request = models.TextField(_("request"))
    summary = models.TextField(_("summary"), blank=True)
    outcome_note = models.TextField(_("outcome explained"), blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("legal case")
        verbose_name_plural = _("legal cases")

    def __str__(self) -> str:
        return self.reference


class PartyRole(models.TextChoices):
    CLAIMANT = "claimant", _("Claimant")
    DEFENDANT = "defendant", _("Defendant")
    MEMBER = "member", _("Member concerned")
    COUNTERPARTY = "counterparty", _("Counterparty")
    LAWYER = "lawyer", _("Lawyer")
    WITNESS = "witness", _("Witness")


class CaseParty(models.Model):
    case = models.ForeignKey(LegalCase, on_delete=models.PROTECT, related_name="parties")
    member_id = models.UUIDField(null=True, blank=True)  # a member of the case's entity, when one
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=PartyRole.choices)

    class Meta:
        ordering = ["role", "name", "id"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class CaseDeadline(models.Model):
    case = models.ForeignKey(LegalCase, on_delete=models.PROTECT, related_name="deadlines")
    due_on = models.DateField(_("due on"))
    description = models.CharField(_("description"), max_length=300)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return f"{self.due_on} {self.description}"


def _document_path(document: CaseDocument, filename: str) -> str:
    return f"legal/{document.case.entity.schema_name}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class CaseDocument(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(LegalCase, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.CharField(_("uploaded by"), max_length=150)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    def __str__(self) -> str:
        return self.name


class CaseNote(models.Model):
    case = models.ForeignKey(LegalCase, on_delete=models.PROTECT, related_name="notes")
    author = models.CharField(_("author"), max_length=150)
    text = models.TextField(_("note"))
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at", "id"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"{self.case_id} {self.written_at}"


class CaseAccessLog(models.Model):
    """Who read which part of a case's content, and when (append-only, enforced by PostgreSQL)."""

    case = models.ForeignKey(LegalCase, on_delete=models.PROTECT, related_name="access_log")
    user_id = models.BigIntegerField()
    username = models.CharField(_("user"), max_length=150)
    what = models.CharField(_("what was read"), max_length=200)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("case access")
        verbose_name_plural = _("case accesses")

    def __str__(self) -> str:
        return f"{self.username} {self.what} {self.at}"
