"""Tasks of the salary guarantee fund: thin, keyed by ids, idempotent."""

from __future__ import annotations

import datetime
import uuid

from django.utils import timezone
from django_tenants.utils import tenant_context

from config.celery import app
from tenants.registry.models import Entity

from . import services
from .models import FundMovement


@app.task(scope="tenant", robust_send=True, name="guarantee.movement_execute")
def movement_execute(movement_id: str) -> str:
    return str(services.movement_execute(movement_id=uuid.UUID(movement_id)).status)


def _resend(movement: FundMovement) -> None:
    with tenant_context(movement.entity):
        movement_execute.apply_async((str(movement.public_id),))


@app.task(scope="public", name="guarantee.sweep")
def sweep(older_than_seconds: int = 30) -> int:
    """Send again the payouts decided but not executed (a message lost while the broker was down)."""
    return services.movements_resend(older_than=datetime.timedelta(seconds=older_than_seconds), send=_resend)


@app.task(scope="tenant", name="guarantee.entity_daily")
def entity_daily(on: str) -> dict[str, int]:
    return services.guarantee_entity_daily(on=datetime.date.fromisoformat(on))


@app.task(scope="public", name="guarantee.daily")
def daily(on: str | None = None) -> int:
    """Every entity's daily run (due wages, dunning, contributions), then the exposure snapshot."""
    day = datetime.date.fromisoformat(on) if on else timezone.localdate()
    return services.guarantee_daily_fan_out(on=day, send=_send_daily)


def _send_daily(entity: Entity, day: datetime.date) -> None:
    with tenant_context(entity):
        entity_daily.apply_async((day.isoformat(),))
