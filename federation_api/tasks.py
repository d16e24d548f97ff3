"""Tasks of the federation: provisioning and the consolidation drain (thin and idempotent: a replayed
drain applies nothing twice, a finished provisioning request is left alone)."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from config.celery import app
from config.db import connection
from tenants.registry.models import Entity
from tenants.registry.selectors import entity_list

from . import consolidation
from .services import provisioning_run


@app.task(scope="public", name="federation_api.provision_entity")
def provision_entity(request_id: str) -> str:
    """Build the entity of a provisioning request."""
    return str(provisioning_run(request_id=request_id).status)


@app.task(scope="tenant", name="federation.entity_drain")
def entity_drain() -> int:
    """Drain the current entity's ledger outbox into the group's facts."""
    entity = Entity.objects.get(schema_name=connection.schema_name)
    return consolidation.entity_drain(entity=entity)


@app.task(scope="public", name="federation.drain_all")
def drain_all() -> int:
    """Fan out one drain per entity (closed ones included: their history stays in the figures)."""
    sent = 0
    for entity in entity_list():
        with tenant_context(entity):
            entity_drain.apply_async()
        sent += 1
    return sent
