"""The salary guarantee fund (C5), one pool for the whole group (public schema).

Money is in the pooled ledger (``shared_services.PoolEntry``, pool ``guarantee_fund``): contributions
(a share of every levy) in, wage advances and invoice covers out, repayments and recoveries back in.
``FundMovement`` is the fund's decision about one movement; its ``idempotency_key`` is unique in the
database and is the key of the pooled-ledger entry that executes it, so a movement is paid once
however often the task that executes it runs, is replayed or is killed half-way.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MovementKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Contribution (share of the levy)")
    ADVANCE = "advance", _("Wage advance")
    REPAYMENT = "repayment", _("Advance repaid")
    COVER = "cover", _("Unpaid invoice covered")
    RECOVERY = "recovery", _("Recovered from the client")
    WRITE_OFF = "write_off", _("Written off")


# Movements that take money out of the fund: decided under the fund's lock (limits), then executed.
PAYOUT_KINDS = frozenset({MovementKind.ADVANCE, MovementKind.COVER})


class MovementStatus(models.TextChoices):
    DECIDED = "decided", _("Decided, being paid")
    EXECUTED = "executed", _("Executed")
    CANCELLED = "cancelled", _("Cancelled")


class FundMovement(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=MovementStatus.choices, default=MovementStatus.DECIDED
    )
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="fund_movements")
    # Soft references into the entity's schema, with what the fund needs to show them.
    activity_id = models.UUIDField(null=True, blank=True)
    activity_name = models.CharField(_("activity"), max_length=200, blank=True)
    client_id = models.UUIDField(null=True, blank=True)
    client_name = models.CharField(_("client"), max_length=200, blank=True)
    subject_id = models.UUIDField(null=True, blank=True)  # the contract, invoice or payment concerned
    subject_label = models.CharField(_("concerning"), max_length=200, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)
    value_date = models.DateField(_("value date"))
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    decided_by = models.CharField(_("decided by"), max_length=150, blank=True)
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    pool_entry = models.OneToOneField(
        "shared_services.PoolEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="fund_movement"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("fund movement")
        verbose_name_plural = _("fund movements")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="guarantee_movement_positive"),
            models.CheckConstraint(
                condition=~Q(status="executed") | Q(pool_entry__isnull=False), name="guarantee_executed_has_entry"
            ),
        ]
        indexes = [models.Index(fields=["status", "decided_at"], name="guarantee_movement_pending")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} ({self.status})"


class LimitScope(models.TextChoices):
    ENTITY = "entity", _("Per entity")
    CLIENT = "client", _("Per client")


class FundLimit(models.Model):
    """The most the fund may have at stake (advances and covers not yet recovered), per entity or per
    client of an entity, in one currency. A row without entity is the default for every entity."""

    scope = models.CharField(_("scope"), max_length=10, choices=LimitScope.choices)
    entity = models.ForeignKey(
        "entities.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="fund_limits"
    )
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("limit"), max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["scope", "currency", "entity_id"]
        verbose_name = _("fund limit")
        verbose_name_plural = _("fund limits")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="guarantee_limit_not_negative"),
            models.UniqueConstraint(
                fields=["scope", "entity", "currency"], name="guarantee_limit_once", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.entity_id or '*'} {self.amount} {self.currency}"


class DunningRule(models.Model):
    """The dunning ladder, as data: how many days after the due date each step is reached."""

    step = models.CharField(_("step"), max_length=20, unique=True)
    days_after_due = models.PositiveIntegerField(_("days after the due date"))

    class Meta:
        ordering = ["days_after_due"]
        verbose_name = _("dunning rule")
        verbose_name_plural = _("dunning rules")

    def __str__(self) -> str:
        return f"{self.step} +{self.days_after_due}"


class ExposureSnapshot(models.Model):
    """The fund's position on one day, per currency (and per entity when ``entity`` is set)."""

    taken_on = models.DateField(_("date"))
    currency = models.CharField(_("currency"), max_length=3)
    entity = models.ForeignKey(
        "entities.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="fund_snapshots"
    )
    cash = models.DecimalField(_("fund cash"), max_digits=20, decimal_places=2)
    advances = models.DecimalField(_("advances outstanding"), max_digits=20, decimal_places=2)
    claims = models.DecimalField(_("covers awaiting recovery"), max_digits=20, decimal_places=2)

    class Meta:
        ordering = ["-taken_on", "currency"]
        verbose_name = _("exposure snapshot")
        verbose_name_plural = _("exposure snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["taken_on", "currency", "entity"], name="guarantee_snapshot_once", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.taken_on} {self.currency} {self.entity_id or '*'}"
