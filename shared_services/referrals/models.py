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


# --- Webhooks: the partner is told of new and revoked referrals ---------------------------------------


class WebhookEvent(models.TextChoices):
    REFERRAL_CREATED = "referral.created", _("A referral was created")
    REFERRAL_REVOKED = "referral.revoked", _("The member revoked their consent")


class WebhookEndpoint(models.Model):
    """An address of a partner that receives signed events.

    ``secret`` is a shared secret: the platform must read it back to sign each delivery (an HMAC
    needs the key on both sides), so, unlike an API key, it cannot be kept as a hash. It is shown to
    the partner once (creation, rotation) and never listed again."""

    id = models.BigAutoField(primary_key=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="webhook_endpoints")
    url = models.CharField(_("address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100)
    events = models.JSONField(_("events"), default=list)  # WebhookEvent values
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150)
    secret_rotated_at = models.DateTimeField(_("secret rotated at"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    deactivated_by = models.CharField(_("deactivated by"), max_length=150, blank=True)

    class Meta:
        ordering = ["partner_id", "-created_at", "-id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return f"{self.partner_id} {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled (consent revoked or endpoint deactivated)")


class WebhookDelivery(models.Model):
    """One event for one endpoint. Written in the transaction of the event; sent by a task after the
    commit; retried with exponential backoff until ``attempt_limit``. Holds no member data: the body is
    built at each attempt from what the consent still covers."""

    id = models.BigAutoField(primary_key=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="webhook_deliveries")
    event_id = models.UUIDField(_("event id"))
    event_type = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    attempt_limit = models.PositiveIntegerField(_("attempt limit"))
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    redelivered_at = models.DateTimeField(_("redelivered at"), null=True, blank=True)
    redelivered_by = models.CharField(_("redelivered by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="referrals_delivery_once_per_event"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "succeeded", "failed", "cancelled"]),
                name="referrals_delivery_status_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="pending") | models.Q(next_attempt_at__isnull=False),
                name="referrals_delivery_pending_is_scheduled",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="referrals_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} -> {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP POST of a delivery: what came back (status code or error) and how long it took."""

    id = models.BigAutoField(primary_key=True)
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.PROTECT, related_name="attempt_log")
    number = models.PositiveIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"))
    status_code = models.PositiveIntegerField(_("status code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        ordering = ["delivery_id", "number"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="referrals_attempt_number_once")]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number} {self.status_code or self.error}"
