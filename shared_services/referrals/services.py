"""Partner referrals: created with consent by an entity's staff, revoked at once, worked by partners
(the partner API of the federation calls the partner-side functions)."""

from __future__ import annotations

import datetime
import ipaddress
import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.db import connection
from config.errors import PlatformError
from config.faults import fault_point
from tenants.registry.models import Entity

from . import errors, webhook_signature
from .models import (
    Consent,
    DeliveryStatus,
    Partner,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    SharedField,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

PARTNER_TRANSITIONS: dict[str, set[str]] = {
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED},
    ReferralStatus.ACCEPTED: {ReferralStatus.OUTCOME_REPORTED},
}


def referral_create(
    *, partner: Partner, member_id: uuid.UUID, project: str, consent_fields: list[str], consent_given: bool, by: str
) -> Referral:
    """Refer a member's project to a partner (run in the entity's schema). Without the member's
    explicit consent and at least one field it covers, nothing is written."""
    from tenants.members.referral_port import member_ref, member_snapshot

    entity = connection.tenant
    assert isinstance(entity, Entity)
    fields = sorted(set(consent_fields))
    if not consent_given or not fields or any(f not in SharedField.values for f in fields):
        raise errors.catalog.error(errors.CONSENT_REQUIRED, field="consent")
    if not (project or "").strip():
        raise errors.catalog.error(errors.PROJECT_REQUIRED, field="project")
    if not partner.active:
        raise errors.catalog.error(errors.PARTNER_UNKNOWN, field="partner")
    member = member_ref(member_id)
    if member is None:
        raise errors.catalog.error(errors.NOT_YOURS, status=404, field="member")
    with transaction.atomic():
        referral = Referral.objects.create(
            entity=entity,
            partner=partner,
            member_id=member.member_id,
            person_id=member.person_id,
            member_name=member.display_name,
            project=project.strip(),
            requested_by=by,
        )
        Consent.objects.create(
            referral=referral,
            fields=fields,
            shared=member_snapshot(member.member_id, fields, project=project.strip(), on=timezone.localdate()),
            recorded_by=by,
        )
        _deliveries_enqueue(referral=referral, event_type=WebhookEvent.REFERRAL_CREATED)
    return referral


def consent_revoke(*, referral: Referral, by: str) -> Referral:
    """Effective at once: from this commit on the partner sees nothing of the referral."""
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(referral=referral)
        if consent.revoked_at is None:
            consent.revoked_at = timezone.now()
            consent.save(update_fields=["revoked_at"])
            Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.WITHDRAWN)
            _deliveries_enqueue(referral=referral, event_type=WebhookEvent.REFERRAL_REVOKED)
    referral.refresh_from_db()
    return referral


# --- The partner's side (called by the partner API) -----------------------------------------------------


def referrals_for_partner(partner: Partner) -> list[Referral]:
    """The partner's referrals whose consent still stands."""
    return list(
        Referral.objects.filter(partner=partner, consent__revoked_at__isnull=True)
        .select_related("consent")
        .order_by("-created_at", "-id")
    )


def _partner_referral(partner: Partner, referral_id: uuid.UUID, *, lock: bool = False) -> Referral:
    rows = Referral.objects.filter(public_id=referral_id, partner=partner)
    referral = (rows.select_for_update(of=("self",)) if lock else rows.select_related("consent")).first()
    if referral is None:
        raise errors.catalog.error(errors.NOT_YOURS, status=404)
    if referral.consent.revoked_at is not None:
        raise errors.catalog.error(errors.CONSENT_REVOKED, status=404)
    return referral


def referral_partner_view(partner: Partner, referral_id: uuid.UUID) -> dict[str, object]:
    """What the partner may read: the consented snapshot, nothing else (nothing at all once revoked)."""
    referral = _partner_referral(partner, referral_id)
    return {
        "id": str(referral.public_id),
        "status": referral.status,
        "created_at": referral.created_at.isoformat(),
        "data": dict(referral.consent.shared),
    }


def _move(partner: Partner, referral_id: uuid.UUID, to: str, **fields: object) -> Referral:
    with transaction.atomic():
        referral = _partner_referral(partner, referral_id, lock=True)
        if to not in PARTNER_TRANSITIONS.get(referral.status, set()):
            raise errors.catalog.error(
                errors.STATUS_INVALID,
                status=409,
                current=ReferralStatus(referral.status).label,
                wanted=ReferralStatus(to).label,
            )
        referral.status = to
        for name, value in fields.items():
            setattr(referral, name, value)
        referral.save()
    return referral


def referral_accept(*, partner: Partner, referral_id: uuid.UUID) -> Referral:
    return _move(partner, referral_id, ReferralStatus.ACCEPTED)


def referral_decline(*, partner: Partner, referral_id: uuid.UUID) -> Referral:
    return _move(partner, referral_id, ReferralStatus.DECLINED)


def referral_outcome_report(*, partner: Partner, referral_id: uuid.UUID, outcome: str, note: str = "") -> Referral:
    if outcome not in ReferralOutcome.values:
        raise errors.catalog.error(errors.OUTCOME_INVALID, field="outcome")
    return _move(
        partner,
        referral_id,
        ReferralStatus.OUTCOME_REPORTED,
        outcome=outcome,
        outcome_note=note[:500],
        outcome_on=timezone.localdate(),
    )


# --- Webhooks: the partner's endpoints and the deliveries of events to them ----------------------------

SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix of generated secrets, not a secret)
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def webhook_url_check(url: str) -> str:
    """The address, cleaned, or a refusal: https:// with a host, no credentials in it; http:// only for
    this machine (loopback) and only when ``DEBUG`` or ``PARTNER_WEBHOOK_ALLOW_HTTP`` is on."""
    cleaned = (url or "").strip()
    try:
        parts = urlsplit(cleaned)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        raise errors.catalog.error(errors.WEBHOOK_URL_INVALID, field="url") from None
    if (
        not cleaned
        or len(cleaned) > 500
        or parts.scheme not in {"https", "http"}
        or not host
        or parts.username is not None
        or any(ch.isspace() for ch in cleaned)
    ):
        raise errors.catalog.error(errors.WEBHOOK_URL_INVALID, field="url")
    if parts.scheme == "http" and not (_is_loopback(host) and (settings.DEBUG or settings.PARTNER_WEBHOOK_ALLOW_HTTP)):
        raise errors.catalog.error(errors.WEBHOOK_URL_NOT_HTTPS, field="url")
    return cleaned


def _events_check(events: list[str]) -> list[str]:
    chosen = sorted(set(events or []))
    if not chosen or any(e not in WebhookEvent.values for e in chosen):
        raise errors.catalog.error(
            errors.WEBHOOK_EVENTS_INVALID, field="events", choices=", ".join(WebhookEvent.values)
        )
    return chosen


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def webhook_endpoint_create(*, partner: Partner, url: str, events: list[str], by: str) -> WebhookEndpoint:
    """Register an address of the partner. The returned endpoint carries its secret, which the caller
    shows once. A bad address or event list writes nothing."""
    cleaned = webhook_url_check(url)
    chosen = _events_check(events)
    return WebhookEndpoint.objects.create(
        partner=partner, url=cleaned, events=chosen, secret=_new_secret(), created_by=by
    )


def _partner_endpoint(partner: Partner | None, endpoint_id: uuid.UUID, *, lock: bool = False) -> WebhookEndpoint:
    rows = WebhookEndpoint.objects.filter(public_id=endpoint_id)
    if partner is not None:
        rows = rows.filter(partner=partner)
    endpoint = (rows.select_for_update() if lock else rows).first()
    if endpoint is None:
        raise errors.catalog.error(errors.WEBHOOK_NOT_FOUND, status=404)
    return endpoint


def webhook_secret_rotate(*, partner: Partner | None, endpoint_id: uuid.UUID, by: str) -> WebhookEndpoint:
    """A new secret, effective for the next attempt; the old one stops working at once.
    ``partner=None`` is the group team (any partner's endpoint)."""
    with transaction.atomic():
        endpoint = _partner_endpoint(partner, endpoint_id, lock=True)
        if not endpoint.active:
            raise errors.catalog.error(errors.WEBHOOK_INACTIVE, status=409)
        endpoint.secret = _new_secret()
        endpoint.secret_rotated_at = timezone.now()
        endpoint.save(update_fields=["secret", "secret_rotated_at"])
    return endpoint


def webhook_endpoint_deactivate(*, partner: Partner | None, endpoint_id: uuid.UUID, by: str) -> WebhookEndpoint:
    """No new delivery, and the pending ones are cancelled (idempotent)."""
    with transaction.atomic():
        endpoint = _partner_endpoint(partner, endpoint_id, lock=True)
        if endpoint.active:
            endpoint.active = False
            endpoint.deactivated_at = timezone.now()
            endpoint.deactivated_by = by
            endpoint.save(update_fields=["active", "deactivated_at", "deactivated_by"])
            WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.CANCELLED, next_attempt_at=None
            )
    return endpoint


def _deliveries_enqueue(*, referral: Referral, event_type: str) -> list[WebhookDelivery]:
    """One delivery per active endpoint of the partner subscribed to the event, in the caller's
    transaction; each is sent by a task once it commits."""
    from .tasks import webhook_deliver

    event_id, now = uuid.uuid4(), timezone.now()
    created = []
    endpoints = WebhookEndpoint.objects.filter(partner_id=referral.partner_id, active=True).order_by("id")
    for endpoint in endpoints:
        if event_type not in endpoint.events:
            continue
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            referral=referral,
            event_id=event_id,
            event_type=event_type,
            occurred_at=now,
            attempt_limit=settings.PARTNER_WEBHOOK_MAX_ATTEMPTS,
            next_attempt_at=now,
        )
        webhook_deliver.send_on_commit(str(delivery.public_id))
        created.append(delivery)
    return created


def webhook_event_body(delivery: WebhookDelivery) -> dict[str, object] | None:
    """What is sent: the partner API's view of the referral (the consented snapshot only). ``None``
    when there is nothing the partner may still read (a referral whose consent was revoked since)."""
    referral = delivery.referral
    if delivery.event_type == WebhookEvent.REFERRAL_REVOKED:
        data: dict[str, object] = {"referral": {"id": str(referral.public_id), "status": ReferralStatus.WITHDRAWN}}
    else:
        try:
            data = {"referral": referral_partner_view(delivery.endpoint.partner, referral.public_id)}
        except PlatformError:
            return None
    return {
        "id": str(delivery.event_id),
        "type": delivery.event_type,
        "created_at": delivery.occurred_at.isoformat(),
        "data": data,
    }


@dataclass(frozen=True)
class PostResult:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer like any other non-2xx: following it would send the signed body to an
    # address nobody registered.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


# No proxy from the environment either: the address registered is the one that receives the body.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> PostResult:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (checked scheme)
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        with _opener.open(request, timeout=timeout) as response:
            status = response.status
            response.read(1024)
    except urllib.error.HTTPError as failure:
        status = failure.code
        failure.close()
    except (OSError, ValueError) as failure:  # URLError, timeouts, refused connections, bad hosts
        reason = getattr(failure, "reason", failure)
        error = f"{type(reason).__name__}: {reason}"[:300]
    return PostResult(status, error, int((time.monotonic() - started) * 1000))


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.PARTNER_WEBHOOK_BACKOFF * 2 ** (attempts - 1))


def webhook_delivery_attempt(*, delivery_id: uuid.UUID) -> WebhookDelivery:
    """One attempt of a delivery, if it is pending and due; otherwise nothing (a replayed or early
    message changes nothing). The row stays locked during the POST (bounded by the timeout) so that two
    copies of the message never send the same delivery at once, and a delivery that succeeded is never
    sent again."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("endpoint__partner", "referral__consent")
            .get(public_id=delivery_id)
        )
        now = timezone.now()
        if delivery.status != DeliveryStatus.PENDING or delivery.next_attempt_at is None:
            return delivery
        if delivery.next_attempt_at > now:
            return delivery
        payload = webhook_event_body(delivery) if delivery.endpoint.active else None
        if payload is None:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.CANCELLED, None
            delivery.save(update_fields=["status", "next_attempt_at"])
            return delivery
        body = json.dumps(payload, sort_keys=True, separators=(",", ":")).encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "SMart-Webhooks/1",
            webhook_signature.TIMESTAMP_HEADER: str(timestamp),
            webhook_signature.SIGNATURE_HEADER: webhook_signature.sign(delivery.endpoint.secret, timestamp, body),
            webhook_signature.EVENT_ID_HEADER: str(delivery.event_id),
            webhook_signature.EVENT_TYPE_HEADER: delivery.event_type,
            webhook_signature.DELIVERY_ID_HEADER: str(delivery.public_id),
        }
        result = _post(delivery.endpoint.url, body, headers, settings.PARTNER_WEBHOOK_TIMEOUT)
        fault_point("referrals.webhook.posted")  # tests: a worker killed after the POST, before the commit
        at = timezone.now()
        delivery.attempts += 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            at=at,
            status_code=result.status_code,
            error=result.error,
            duration_ms=result.duration_ms,
        )
        if result.ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, at, None
        elif delivery.attempts >= delivery.attempt_limit:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = at + _backoff(delivery.attempts)
        delivery.save(update_fields=["attempts", "status", "delivered_at", "next_attempt_at"])
    return delivery


def webhook_redeliver(*, partner: Partner | None, delivery_id: uuid.UUID, by: str) -> WebhookDelivery:
    """A failed delivery gets a fresh round of attempts, the first one now. ``partner=None`` is the
    group team."""
    from .tasks import webhook_deliver

    with transaction.atomic():
        rows = WebhookDelivery.objects.filter(public_id=delivery_id)
        if partner is not None:
            rows = rows.filter(endpoint__partner=partner)
        delivery = rows.select_for_update(of=("self",)).select_related("endpoint").first()
        if delivery is None:
            raise errors.catalog.error(errors.DELIVERY_NOT_FOUND, status=404)
        if delivery.status != DeliveryStatus.FAILED:
            raise errors.catalog.error(
                errors.DELIVERY_NOT_FAILED, status=409, current=DeliveryStatus(delivery.status).label
            )
        if not delivery.endpoint.active:
            raise errors.catalog.error(errors.WEBHOOK_INACTIVE, status=409)
        now = timezone.now()
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = now
        delivery.attempt_limit = delivery.attempts + settings.PARTNER_WEBHOOK_MAX_ATTEMPTS
        delivery.redelivered_at, delivery.redelivered_by = now, by
        delivery.save(update_fields=["status", "next_attempt_at", "attempt_limit", "redelivered_at", "redelivered_by"])
        webhook_deliver.send_on_commit(str(delivery.public_id))
    return delivery


def webhook_deliveries_resend(*, older_than: datetime.timedelta, send: Callable[[WebhookDelivery], None]) -> int:
    """The sweeper: pending deliveries overdue by more than ``older_than`` (their message was lost) are
    sent again; a copy too many is harmless (the attempt locks the row and checks it is due)."""
    overdue = list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lt=timezone.now() - older_than
        ).order_by("next_attempt_at")[:500]
    )
    for delivery in overdue:
        send(delivery)
    return len(overdue)
