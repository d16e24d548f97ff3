"""Periodic jobs of the financing service."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django_tenants.utils import tenant_context

from config.celery import app
from tenants.registry.models import Entity, EntityStatus

from . import services


@app.task(scope="tenant", name="financing.entity_instalments")
def entity_instalments(on: str) -> dict[str, int]:
    return services.instalments_collect(on=datetime.date.fromisoformat(on))


@app.task(scope="public", name="financing.daily")
def daily(on: str | None = None) -> int:
    """Each open entity collects the loan instalments due (idempotent per instalment)."""
    day = on or timezone.localdate().isoformat()
    entities = Entity.objects.exclude(status=EntityStatus.CLOSED).exclude(schema_name="public")
    for entity in entities:
        with tenant_context(entity):
            entity_instalments.apply_async((day,))
    return entities.count()
