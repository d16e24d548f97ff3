"""Partner referrals (C8): where others do it better, a member's project is referred to a partner
cooperative (Microstart: microfinance, COOPCITY: incubation, Dynamo Coop: workshop real estate), with
the member's explicit consent, limited to the data the consent lists and revocable at any time.

What the partner sees is a snapshot of the consented fields taken when consent is given; once the
consent is revoked the partner sees nothing of it any more.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    MICROFINANCE = "microfinance", _("Microfinance")
    INCUBATION = "incubation", _("Incubation")
    REAL_ESTATE = "real_estate", _("Workshop real estate")


class Partner(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent to the partner")
    ACCEPTED = "accepted", _("Accepted by the partner")
    DECLINED = "declined", _("Declined by the partner")
    OUTCOME_REPORTED = "outcome_reported", _("Outcome reported")
    WITHDRAWN = "withdrawn", _("Withdrawn (consent revoked)")


class ReferralOutcome(models.TextChoices):
    LOAN_GRANTED = "loan_granted", _("Loan granted")
    INCUBATION_STARTED = "incubation_started", _("Incubation started")
    WORKSHOP_FOUND = "workshop_found", _("Workshop found")
    NONE = "none", _("No result")


# The data a member may agree to share with a partner (the consent lists a subset).
class SharedField(models.TextChoices):
    NAME = "name", _("Name")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    ACTIVITY = "activity", _("Activity and its stage")
    TURNOVER = "turnover", _("Invoiced over the last 12 months")
    PROJECT = "project", _("Project description")


class Referral(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entity = models.ForeignKey("entities.Entity", on_delete=models.PROTECT, related_name="referrals")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    member_id = models.UUIDField()
    person_id = models.UUIDField()
    member_name = models.CharField(_("member"), max_length=200)  # for the entity's own pages
    project = models.TextField(_("project"))
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReferralOutcome.choices, blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=500, blank=True)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    requested_by = models.CharField(_("requested by"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.member_name} -> {self.partner}"


class Consent(models.Model):
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="consent")
    fields = models.JSONField(_("data shared"))  # a subset of SharedField values
    shared = models.JSONField(_("snapshot shared with the partner"))
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.referral_id} {','.join(self.fields)}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
