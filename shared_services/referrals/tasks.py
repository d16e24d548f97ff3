"""Tasks of the referral webhooks: thin, keyed by ids, idempotent."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone

from config.celery import app

from . import services
from .models import DeliveryStatus, WebhookDelivery


@app.task(scope="public", robust_send=True, name="referrals.webhook_deliver")
def webhook_deliver(delivery_id: str) -> str:
    """One attempt; a delivery still pending afterwards is sent again when its next attempt is due."""
    delivery = services.webhook_delivery_attempt(delivery_id=uuid.UUID(delivery_id))
    if delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None:
        wait = max((delivery.next_attempt_at - timezone.now()).total_seconds(), 0.0)
        webhook_deliver.apply_async((delivery_id,), countdown=wait)
    return str(delivery.status)


def _resend(delivery: WebhookDelivery) -> None:
    webhook_deliver.apply_async((str(delivery.public_id),))


@app.task(scope="public", name="referrals.webhook_sweep")
def webhook_sweep(older_than_seconds: int = 60) -> int:
    """Send again the deliveries overdue (a message lost while the broker was down)."""
    return services.webhook_deliveries_resend(older_than=datetime.timedelta(seconds=older_than_seconds), send=_resend)
