"""What every mutualised service shares (public schema): the teams that run them, the working-day
calendars, and the pooled ledger of the group's funds.

The pooled ledger is the group-side twin of an entity's ledger: one ``PoolEntry`` whose lines balance
per currency, enforced by PostgreSQL (deferred constraint triggers), never updated or deleted once
posted. Each entry carries an ``idempotency_key`` that the database keeps unique: a movement that
crosses into an entity (an advance, a cover, a repayment, a contribution) is recorded once, however
many times the task that records it runs.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Team(models.TextChoices):
    GUARANTEE_FUND = "guarantee_fund", _("Guarantee fund team")
    INSURANCE = "insurance", _("Insurance team")
    LEGAL = "legal", _("Legal team")
    FINANCING = "financing", _("Financing team")


class TeamMembership(models.Model):
    """A group user (public schema) who works in one service team. Being a group manager or a
    superuser does not put anyone in a team: the legal team's confidentiality depends on it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="service_teams")
    team = models.CharField(_("team"), max_length=30, choices=Team.choices)
    since = models.DateField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="shared_team_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} {self.team}"


class PublicHoliday(models.Model):
    """Public holidays per country, as data (loaded from the ``holidays`` package by
    ``load_public_holidays``; staff may add regional or exceptional days)."""

    country = models.CharField(_("country"), max_length=2)
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["country", "date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        constraints = [models.UniqueConstraint(fields=["country", "date"], name="shared_holiday_once_per_day")]

    def __str__(self) -> str:
        return f"{self.country} {self.date} {self.name}"


class Pool(models.TextChoices):
    GUARANTEE_FUND = "guarantee_fund", _("Salary guarantee fund")
    FINANCING = "financing", _("Financing")


class PoolAccount(models.TextChoices):
    CASH = "cash", _("Cash")
    CONTRIBUTIONS = "contributions", _("Contributions received (share of the levy)")
    ENDOWMENT = "endowment", _("Endowment")
    ADVANCES = "advances", _("Wage advances outstanding")
    CLAIMS = "claims", _("Covered invoices awaiting recovery")
    WRITE_OFFS = "write_offs", _("Losses written off")
    SUBSIDY_ADVANCES = "subsidy_advances", _("Subsidy advances outstanding")
    LOANS = "loans", _("Equipment loans outstanding")
    INTEREST = "interest", _("Interest and fees")


# Accounts whose normal balance is a debit (assets, losses): what the pool holds or is owed.
POOL_DEBIT_NORMAL = frozenset(
    {
        PoolAccount.CASH,
        PoolAccount.ADVANCES,
        PoolAccount.CLAIMS,
        PoolAccount.WRITE_OFFS,
        PoolAccount.SUBSIDY_ADVANCES,
        PoolAccount.LOANS,
    }
)


class PoolEntry(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pool = models.CharField(_("pool"), max_length=30, choices=Pool.choices)
    kind = models.CharField(_("kind"), max_length=40)
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    # "guarantee.advance:<uuid>", "financing.loan:<uuid>"...: what the entry records.
    source = models.CharField(_("source"), max_length=120, db_index=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=160, unique=True)
    entity = models.ForeignKey(
        "entities.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="pool_entries"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by", verbose_name=_("reverses")
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    posted_by = models.CharField(_("posted by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("pool entry")
        verbose_name_plural = _("pool entries")

    def __str__(self) -> str:
        return f"{self.pool} {self.date} {self.kind}"


class PoolLine(models.Model):
    entry = models.ForeignKey(PoolEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.CharField(_("account"), max_length=30, choices=PoolAccount.choices)
    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2)  # debit > 0, credit < 0
    currency = models.CharField(_("currency"), max_length=3)
    # Dimensions for exposure: which entity, activity and client the line concerns (soft references).
    entity = models.ForeignKey(
        "entities.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="pool_lines"
    )
    activity_id = models.UUIDField(null=True, blank=True)
    client_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("pool line")
        verbose_name_plural = _("pool lines")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="shared_pool_line_not_zero"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="shared_pool_line_currency_iso"),
        ]
        indexes = [
            models.Index(fields=["account", "currency"], name="shared_pool_line_account"),
            models.Index(fields=["entity", "account"], name="shared_pool_line_entity"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount} {self.currency}"
