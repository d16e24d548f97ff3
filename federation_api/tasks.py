"""Tasks of the federation: provisioning, the consolidation drain and the dashboard's recomputations
(thin and idempotent: a replayed drain applies nothing twice, a finished provisioning request or job
is left alone)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django_tenants.utils import tenant_context

from config.celery import app
from config.db import connection
from tenants.registry.models import Entity
from tenants.registry.selectors import entity_list

from . import consolidation, jobs, membership, services
from .services import provisioning_run

# Tenant-scoped cache key (the cache prefixes the schema): "a drain of this entity is on its way".
DRAIN_PENDING = "federation:drain-pending"


@app.task(scope="public", robust_send=True, name="federation_api.provision_entity")
def provision_entity(request_id: str) -> str:
    """Build the entity of a provisioning request."""
    return str(provisioning_run(request_id=request_id).status)


@app.task(scope="tenant", name="federation.entity_drain")
def entity_drain() -> int:
    """Drain the current entity's ledger outbox into the group's facts, then count its members again
    if they changed."""
    cache.delete(DRAIN_PENDING)  # entries committed from now on ask for another drain
    entity = Entity.objects.get(schema_name=connection.schema_name)
    applied = consolidation.entity_drain(entity=entity)
    membership.entity_census(entity=entity)
    return applied


def outbox_written() -> None:
    """``settings.OUTBOX_HOOKS``: called after the commit of a ledger entry, in its entity's schema.
    Sends one drain of the entity unless one is already on its way, so that the group's figures
    follow within a second without waiting for the periodic sweep (which stays the safety net)."""
    if cache.add(DRAIN_PENDING, 1, timeout=settings.FEDERATION_DRAIN_PENDING_SECONDS):
        entity_drain.apply_async()


@app.task(scope="public", name="federation.drain_all")
def drain_all() -> int:
    """Fan out one drain per entity (closed ones included: their history stays in the figures)."""
    sent = 0
    for entity in entity_list():
        with tenant_context(entity):
            entity_drain.apply_async()
        sent += 1
    return sent


@app.task(scope="public", robust_send=True, name="federation.job_run")
def job_run(job_id: str) -> str:
    """Run a dashboard recomputation entity by entity, recording its progress."""
    return str(jobs.job_run(job_id=job_id).status)


@app.task(scope="public", name="federation.jobs_sweep")
def jobs_sweep(older_than_seconds: int = 60) -> int:
    """Send again the provisioning requests and dashboard recomputations still waiting for a worker
    (their message was lost while the broker was down at commit; a replay is a no-op for one already
    done or running)."""
    older_than = datetime.timedelta(seconds=older_than_seconds)
    requests = services.provisioning_waiting(older_than=older_than)
    for request in requests:
        provision_entity.apply_async((str(request.public_id),))
    waiting = jobs.jobs_waiting(older_than=older_than)
    for job in waiting:
        job_run.apply_async((str(job.public_id),))
    return len(requests) + len(waiting)
