"""Reads of the referral webhooks: a partner's own endpoints and deliveries, the group team's log."""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet

from . import errors
from .models import DeliveryStatus, Partner, WebhookAttempt, WebhookDelivery, WebhookEndpoint

LOG_LIMIT = 100


def webhook_endpoints_for_partner(partner: Partner) -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.filter(partner=partner).order_by("-created_at", "-id"))


def webhook_endpoint_for_partner(partner: Partner, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(partner=partner, public_id=endpoint_id).first()
    if endpoint is None:
        raise errors.catalog.error(errors.WEBHOOK_NOT_FOUND, status=404)
    return endpoint


def _deliveries() -> QuerySet[WebhookDelivery]:
    return (
        WebhookDelivery.objects.select_related("endpoint__partner", "referral")
        .prefetch_related(Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number")))
        .order_by("-created_at", "-id")
    )


def _status_filter(rows: QuerySet[WebhookDelivery], status: str | None) -> QuerySet[WebhookDelivery]:
    if status:
        if status not in DeliveryStatus.values:
            raise errors.catalog.error(
                errors.DELIVERY_STATUS_INVALID, field="status", choices=", ".join(DeliveryStatus.values)
            )
        rows = rows.filter(status=status)
    return rows


def webhook_deliveries_for_partner(partner: Partner, *, status: str | None = None) -> list[WebhookDelivery]:
    """The partner's latest deliveries (``LOG_LIMIT``), newest first, with their attempts."""
    return list(_status_filter(_deliveries().filter(endpoint__partner=partner), status)[:LOG_LIMIT])


def webhook_delivery_for_partner(partner: Partner, delivery_id: uuid.UUID) -> WebhookDelivery:
    delivery = _deliveries().filter(endpoint__partner=partner, public_id=delivery_id).first()
    if delivery is None:
        raise errors.catalog.error(errors.DELIVERY_NOT_FOUND, status=404)
    return delivery


def webhook_deliveries_for_team(*, status: str | None = None) -> list[WebhookDelivery]:
    """Every partner's latest deliveries, for the group team's log."""
    return list(_status_filter(_deliveries(), status)[:LOG_LIMIT])


def webhook_delivery_for_team(delivery_id: uuid.UUID) -> WebhookDelivery:
    delivery = _deliveries().filter(public_id=delivery_id).first()
    if delivery is None:
        raise errors.catalog.error(errors.DELIVERY_NOT_FOUND, status=404)
    return delivery


def webhook_endpoints_for_team() -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.select_related("partner").order_by("partner__name", "-created_at"))
