"""Members of the entity: natural or legal persons who run their activity inside it (per-entity schema)."""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class StakeholderCategory(models.TextChoices):
    """The six categories that take part in governance (C11)."""

    NATURAL_USER = "natural_user", _("User, natural person")
    LEGAL_USER = "legal_user", _("User, legal person")
    CLIENT = "client", _("Client of members")
    SUPPLIER = "supplier", _("Supplier")
    PERMANENT_WORKER = "permanent_worker", _("Permanent worker of SMart")
    PARTNER = "partner", _("Partner")


class Member(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Group-wide person id (entities.Person.person_id): the same person in two entities is one person.
    person_id = models.UUIDField(_("group person id"), db_index=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=[("natural", _("Natural person")), ("legal", _("Legal person"))]
    )
    category = models.CharField(_("stakeholder category"), max_length=20, choices=StakeholderCategory.choices)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name or company name"), max_length=200)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    company_number = models.CharField(_("company number"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.TextField(_("address"), blank=True)
    languages = ArrayField(models.CharField(max_length=2), default=list, verbose_name=_("languages"))
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    consent_partner_referrals = models.BooleanField(_("agrees to be referred to partner cooperatives"), default=False)
    consent_newsletter = models.BooleanField(_("agrees to receive the newsletter"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [models.UniqueConstraint(fields=["person_id"], name="members_one_member_per_person")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
