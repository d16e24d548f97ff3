"""Group insurance (C6): the group's policies, the cover each performance gets, certificates and claims.

Cover follows contracts: when a performance is declared, each performer is covered by the policies
of the group valid for the performance's dates and country (wages need civil liability and work
accidents, fees and author's rights civil liability), or the declaration is refused. A ``Coverage``
is the record of that cover; claims are made against it.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PolicyKind(models.TextChoices):
    CIVIL_LIABILITY = "civil_liability", _("Civil liability")
    WORK_ACCIDENT = "work_accident", _("Work accidents")


class InsurancePolicy(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=PolicyKind.choices)
    name = models.CharField(_("name"), max_length=120)
    insurer = models.CharField(_("insurer"), max_length=120)
    number = models.CharField(_("policy number"), max_length=60, unique=True)
    # ISO codes of the countries where performances are covered (missions abroad included).
    countries = models.JSONField(_("countries covered"), default=list)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    claim_limit = models.DecimalField(_("limit per claim"), max_digits=18, decimal_places=2)
    deductible = models.DecimalField(_("deductible"), max_digits=18, decimal_places=2, default=0)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("insurance policy")
        verbose_name_plural = _("insurance policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="insurance_policy_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class Coverage(models.Model):
    """One performer covered by one policy for one performance."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="insurance_coverages")
    policy = models.ForeignKey(InsurancePolicy, on_delete=models.PROTECT, related_name="coverages")
    member_id = models.UUIDField()
    person_id = models.UUIDField()
    member_name = models.CharField(_("member"), max_length=200)
    language = models.CharField(_("language"), max_length=8)
    activity_id = models.UUIDField()
    activity_name = models.CharField(_("activity"), max_length=200)
    performer_kind = models.CharField(_("contract kind"), max_length=20)
    country = models.CharField(_("country of the performance"), max_length=2)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "member_name", "id"]
        verbose_name = _("coverage")
        verbose_name_plural = _("coverages")
        indexes = [models.Index(fields=["entity", "member_id"], name="insurance_coverage_member")]

    def __str__(self) -> str:
        return f"{self.member_name} {self.policy.kind} {self.starts_on}"


class ClaimStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")
    CLOSED = "closed", _("Closed")


# The workflow: from -> allowed next statuses.
CLAIM_TRANSITIONS: dict[str, frozenset[str]] = {
    ClaimStatus.REPORTED: frozenset({ClaimStatus.UNDER_REVIEW}),
    ClaimStatus.UNDER_REVIEW: frozenset({ClaimStatus.ACCEPTED, ClaimStatus.REJECTED}),
    ClaimStatus.ACCEPTED: frozenset({ClaimStatus.PAID}),
    ClaimStatus.PAID: frozenset({ClaimStatus.CLOSED}),
    ClaimStatus.REJECTED: frozenset({ClaimStatus.CLOSED}),
    ClaimStatus.CLOSED: frozenset(),
}


class Claim(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="insurance_claims")
    coverage = models.ForeignKey(Coverage, on_delete=models.PROTECT, related_name="claims")
    occurred_on = models.DateField(_("occurred on"))
    description = models.TextField(_("what happened"))
    amount = models.DecimalField(_("amount claimed"), max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.REPORTED)
    reported_by = models.CharField(_("reported by"), max_length=150)
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="insurance_claim_amount_positive")]

    def __str__(self) -> str:
        return self.reference


class ClaimEvent(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.CharField(_("by"), max_length=150)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")

    def __str__(self) -> str:
        return f"{self.claim_id} {self.from_status}->{self.to_status}"

    @property
    def from_label(self) -> str:
        return str(ClaimStatus(self.from_status).label) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return str(ClaimStatus(self.to_status).label)


def _document_path(document: ClaimDocument, filename: str) -> str:
    """Each entity's claim documents in a folder of their own, under a name nobody can guess."""
    suffix = PurePath(filename).suffix.lower()
    return f"insurance/{document.claim.entity.schema_name}/{uuid.uuid4().hex}{suffix}"


class ClaimDocument(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.CharField(_("uploaded by"), max_length=150)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("claim document")
        verbose_name_plural = _("claim documents")

    def __str__(self) -> str:
        return self.name
