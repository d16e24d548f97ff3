"""Public models of the federation: provisioning requests (a new entity asked for through the API, built
by a task) and the consolidation read model (facts drained from every entity's ledger outbox, the
events already applied, each entity's drain state, and ECB reference rates)."""

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
    # The task's own monotonic measure of how long the build took (not money, not derivable from the
    # wall-clock timestamps to this precision).
    seconds = models.FloatField(_("seconds"), null=True, blank=True)  # float-ok

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


class Fact(models.Model):
    """Sum of ledger lines of one entity for one month, activity stage, flow (entry kind; a reversal
    counts under the kind it reverses), account kind and currency. Amounts are the ledger's signed
    amounts (debit > 0); ``entries`` counts the entries that contributed."""

    id = models.BigAutoField(primary_key=True)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="+")
    country = models.CharField(_("country"), max_length=2)
    period = models.DateField(_("period"))  # first day of the month
    activity_stage = models.CharField(_("activity stage"), max_length=40, blank=True)
    flow = models.CharField(_("flow"), max_length=40)
    account_kind = models.CharField(_("account kind"), max_length=40)
    account_class = models.CharField(_("account class"), max_length=20)
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2)
    entries = models.BigIntegerField(_("entries"), default=0)

    class Meta:
        verbose_name = _("consolidated fact")
        verbose_name_plural = _("consolidated facts")
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "period", "activity_stage", "flow", "account_kind", "currency"],
                name="federation_fact_grain",
            )
        ]
        indexes = [models.Index(fields=["period", "flow"], name="federation_fact_period_flow")]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.period:%Y-%m} {self.flow} {self.account_kind} {self.amount} {self.currency}"


class AppliedEvent(models.Model):
    """An outbox event already counted in the facts: applying it again is a no-op."""

    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(unique=True)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("applied event")
        verbose_name_plural = _("applied events")

    def __str__(self) -> str:
        return str(self.event_id)


class DrainState(models.Model):
    """How fresh the group's figures of one entity are."""

    id = models.BigAutoField(primary_key=True)
    entity = models.OneToOneField("entities.Entity", on_delete=models.PROTECT, related_name="+")
    last_drained_at = models.DateTimeField(_("last drained at"), null=True, blank=True)
    events_applied = models.BigIntegerField(_("events applied"), default=0)
    # The member census: when it was last taken, and what the entity's members table looked like
    # then (count and highest id), so that an unchanged table is not counted again.
    census_at = models.DateTimeField(_("members counted at"), null=True, blank=True)
    census_signature = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name = _("drain state")
        verbose_name_plural = _("drain states")

    def __str__(self) -> str:
        return f"{self.entity_id}: {self.last_drained_at}"


class MemberFact(models.Model):
    """Members of one entity who joined in one month, per stakeholder category and kind (natural or
    legal person): the census of the entity's members table, replaced whole at each count."""

    id = models.BigAutoField(primary_key=True)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="+")
    country = models.CharField(_("country"), max_length=2)
    period = models.DateField(_("period"))  # first day of the month the member joined
    category = models.CharField(_("stakeholder category"), max_length=20)
    kind = models.CharField(_("kind"), max_length=10)
    joined = models.IntegerField(_("members who joined"))

    class Meta:
        verbose_name = _("member census fact")
        verbose_name_plural = _("member census facts")
        constraints = [
            models.UniqueConstraint(fields=["entity", "period", "category", "kind"], name="federation_member_grain"),
            models.CheckConstraint(condition=models.Q(joined__gt=0), name="federation_member_joined_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.entity_id} {self.period:%Y-%m} {self.category} {self.joined}"


class JobKind(models.TextChoices):
    REBUILD = "rebuild", _("Recompute the consolidated figures from the entities' books")
    RECONCILE = "reconcile", _("Reconcile the consolidated figures with every entity's books")
    CENSUS = "census", _("Count the members of every entity again")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class DashboardJob(models.Model):
    """A long recomputation asked for from the group dashboard, run by a task entity by entity;
    ``done`` out of ``total`` is its visible progress."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=JobKind.choices)
    entity = models.ForeignKey(
        "entities.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("entity")
    )
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.IntegerField(_("entities to process"), default=0)
    done = models.IntegerField(_("entities processed"), default=0)
    current = models.CharField(_("processing"), max_length=60, blank=True)
    result = models.JSONField(_("result"), default=dict)
    error = models.CharField(_("error"), max_length=500, blank=True)
    requested_by = models.CharField(_("requested by"), max_length=150)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dashboard job")
        verbose_name_plural = _("dashboard jobs")
        constraints = [
            models.CheckConstraint(condition=models.Q(done__gte=0, done__lte=models.F("total")), name="job_progress"),
            models.CheckConstraint(condition=models.Q(kind__in=["rebuild", "reconcile", "census"]), name="job_kind"),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]), name="job_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return (
            100
            if self.total == 0 and self.status == JobStatus.DONE
            else (100 * self.done // self.total if self.total else 0)
        )

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class ReferenceRate(models.Model):
    """ECB euro reference rate: ``rate`` units of ``currency`` for 1 EUR on ``day``."""

    id = models.BigAutoField(primary_key=True)
    currency = models.CharField(_("currency"), max_length=3)
    day = models.DateField(_("day"))
    rate = models.DecimalField(_("rate"), max_digits=18, decimal_places=6)
    source = models.CharField(_("source"), max_length=60, default="ecb")

    class Meta:
        ordering = ["currency", "day"]
        verbose_name = _("reference rate")
        verbose_name_plural = _("reference rates")
        constraints = [
            models.UniqueConstraint(fields=["currency", "day"], name="federation_rate_currency_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="federation_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.currency} {self.rate}"


class PartnerApiKey(models.Model):
    """A partner organisation's key to the partner API. Only a hash of the secret is kept; the key is
    shown once, when created. Several keys per partner (rotation), each expiring and revocable, each
    with its scopes."""

    partner = models.ForeignKey("referrals.Partner", on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)  # shown in logs and lists
    secret_hash = models.CharField(_("secret (SHA-256)"), max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["partner_id", "-created_at"]
        verbose_name = _("partner API key")
        verbose_name_plural = _("partner API keys")

    def __str__(self) -> str:
        return f"{self.partner_id} {self.prefix}"
