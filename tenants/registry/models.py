"""The registry of the group's legal entities (public schema).

One ``Entity`` is one legal entity and one PostgreSQL schema; its ``Domain`` rows say which host names
reach it. Entities are never deleted: closing one (optionally merged into another) makes it read-only
and keeps every row of its schema.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class EntityStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WINDING_DOWN = "winding_down", _("Winding down")
    CLOSED = "closed", _("Closed")


class Entity(TenantMixin):
    # Schema creation is driven by the entity_create service, inside its own transaction.
    auto_create_schema = True
    auto_drop_schema = False

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("short name"), max_length=40, unique=True)
    display_name = models.CharField(_("display name"), max_length=120)
    legal_name = models.CharField(_("legal name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code"))
    legal_form = models.CharField(_("legal form"), max_length=80)
    company_number = models.CharField(_("company or VAT number"), max_length=32)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code"))
    languages = ArrayField(models.CharField(max_length=2), verbose_name=_("languages"))
    default_language = models.CharField(_("default language"), max_length=2)
    status = models.CharField(_("status"), max_length=16, choices=EntityStatus.choices, default=EntityStatus.ACTIVE)
    is_central = models.BooleanField(_("central entity (SMart Coop)"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_entities",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    winding_down_since = models.DateTimeField(_("winding down since"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("entity")
        verbose_name_plural = _("entities")
        ordering = ["-is_central", "country", "display_name"]
        constraints = [
            models.UniqueConstraint(fields=["is_central"], condition=Q(is_central=True), name="entity_one_central"),
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="entity_country_iso2"),
            models.CheckConstraint(condition=Q(currency__regex=r"^[A-Z]{3}$"), name="entity_currency_iso3"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "winding_down", "closed"]), name="entity_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="entity_closed_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(is_central=True) | Q(status="active"), name="entity_central_stays_active"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_closed(self) -> bool:
        return self.status == EntityStatus.CLOSED

    @property
    def primary_domain(self) -> str | None:
        domain = self.domains.filter(is_primary=True).first()
        return domain.domain if domain else None


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.domain


class EntityEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    WINDING_DOWN = "winding_down", _("Winding down started")
    CLOSED = "closed", _("Closed")


class EntityEvent(models.Model):
    """Append-only history of an entity's lifecycle, written in the same transaction as the change."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EntityEventKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    # Snapshot of who did it: group users live in the public schema, but the actor may be a script.
    actor = models.CharField(max_length=150, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("entity event")
        verbose_name_plural = _("entity events")

    def __str__(self) -> str:
        return f"{self.entity_id} {self.kind} {self.at:%Y-%m-%d}"


class PersonKind(models.TextChoices):
    NATURAL = "natural", _("Natural person")
    LEGAL = "legal", _("Legal person")


class Person(models.Model):
    """Group-wide identity of one person, natural or legal, across every entity.

    Holds only what matching needs: a keyed hash of the identifying data (national register number,
    or name and birth date; company number for a legal person). Names, addresses and everything else
    stay in each entity's schema, on its member record.
    """

    person_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=PersonKind.choices)
    match_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return str(self.person_id)


class LevyPolicy(models.Model):
    """The single percentage (C3), set by group policy per country and versioned by effective date.

    One rate for every invoice and funding agreement, whatever its size or member: no tiers. A row
    with no country is the group's default.
    """

    country = models.CharField(_("country"), max_length=2, blank=True, default="")
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["country", "-effective_from"]
        verbose_name = _("levy policy")
        verbose_name_plural = _("levy policies")
        constraints = [
            models.UniqueConstraint(fields=["country", "effective_from"], name="levy_policy_one_per_date"),
            models.CheckConstraint(condition=Q(rate__gt=0) & Q(rate__lt=100), name="levy_policy_rate_range"),
        ]

    def __str__(self) -> str:
        return f"{self.country or '*'} {self.rate}% from {self.effective_from}"


class LevyPurpose(models.TextChoices):
    GUARANTEE_FUND = "guarantee_fund", _("Salary guarantee fund")
    INSURANCE = "insurance", _("Insurance (civil liability, work accidents)")
    LEGAL_AID = "legal_aid", _("Legal aid")
    INVOICING_PAYROLL = "invoicing_payroll", _("Invoicing, payroll and administration")
    ADVICE_TRAINING = "advice_training", _("Advice and training")
    GOVERNANCE_TOOLS = "governance_tools", _("Cooperative governance and shared tools")


class LevyAllocation(models.Model):
    """What the single percentage funds, as shares of it (sum to 100 per policy)."""

    policy = models.ForeignKey(LevyPolicy, on_delete=models.CASCADE, related_name="allocations")
    purpose = models.CharField(_("purpose"), max_length=40, choices=LevyPurpose.choices)
    share = models.DecimalField(_("share of the levy (%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["-share", "purpose"]
        constraints = [models.UniqueConstraint(fields=["policy", "purpose"], name="levy_allocation_one_per_purpose")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.share}%"
