"""The group dashboard's long recomputations (rebuild, reconcile, member census), run by a public task
entity by entity; each step commits its progress so that the page shows it while the job runs.

A job is asked for once (a second request while one of the same kind is queued or running is
refused), runs under a PostgreSQL advisory lock (a replayed message does not run it twice at once)
and resumes where it stopped if its worker died (every step is idempotent)."""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.db import transaction
from django.utils import timezone

from config.db import connection
from tenants.registry.models import Entity

from . import consolidation, errors, membership
from .models import DashboardJob, JobKind, JobStatus

LOCK_NAMESPACE = 0x46454A42  # "FEJB"


def _targets(job: DashboardJob) -> list[Entity]:
    if job.entity_id is not None:
        return [Entity.objects.get(pk=job.entity_id)]
    return list(Entity.objects.order_by("slug"))


def job_create(*, kind: str, requested_by: str, entity: Entity | None = None) -> DashboardJob:
    """Queue a recomputation; refused while the same one is queued or running."""
    if kind not in JobKind.values:
        raise errors.catalog.error(errors.BAD_CHOICE, field="kind", value=kind, choices=", ".join(JobKind.values))
    from .tasks import job_run as job_task

    with transaction.atomic():
        # Serialise the check-then-insert of jobs of one kind.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [LOCK_NAMESPACE, kind])
        busy = DashboardJob.objects.filter(kind=kind, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
        if entity is not None:
            busy = busy.filter(entity__isnull=True) | busy.filter(entity=entity)
        if busy.exists():
            raise errors.catalog.error(errors.JOB_BUSY, kind=JobKind(kind).label, status=409)
        total = 1 if entity is not None else Entity.objects.count()
        job = DashboardJob.objects.create(kind=kind, entity=entity, total=total, requested_by=requested_by)
        job_task.send_on_commit(str(job.public_id))
    return job


def jobs_waiting(*, older_than: datetime.timedelta) -> list[DashboardJob]:
    """Recomputations no worker has started, older than ``older_than``: their message may have been
    lost (and, queued, they would refuse every new job of their kind as busy)."""
    since = timezone.now() - older_than
    return list(DashboardJob.objects.filter(status=JobStatus.QUEUED, created_at__lt=since).order_by("created_at"))


def _step(job: DashboardJob, entity: Entity) -> None:
    if job.kind == JobKind.REBUILD:
        consolidation.entity_rebuild(entity=entity)
        membership.entity_census(entity=entity, force=True)
    elif job.kind == JobKind.CENSUS:
        membership.entity_census(entity=entity, force=True)
    else:
        consolidation.entity_drain(entity=entity)
        differences = [str(d) for d in consolidation.entity_reconcile(entity=entity)]
        if differences:
            job.result.setdefault("differences", {})[entity.slug] = differences[:50]


def _lock_key(job_id: str) -> int:
    return int.from_bytes(hashlib.sha256(job_id.encode()).digest()[:4], "big", signed=True)


def job_run(*, job_id: uuid.UUID | str) -> DashboardJob:
    job = DashboardJob.objects.get(public_id=job_id)
    if job.finished:
        return job
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, _lock_key(str(job.public_id))])
        if not cursor.fetchone()[0]:
            return job  # another worker runs it
    try:
        job.refresh_from_db()
        if job.finished:
            return job
        job.status, job.started_at = JobStatus.RUNNING, job.started_at or timezone.now()
        job.save(update_fields=["status", "started_at"])
        targets = _targets(job)
        job.total = len(targets)
        for entity in targets[job.done :]:
            job.current = entity.slug
            job.save(update_fields=["current", "total"])
            _step(job, entity)
            job.done += 1
            job.save(update_fields=["done", "result"])
        job.status, job.current, job.finished_at = JobStatus.DONE, "", timezone.now()
        job.result["entities"] = job.total
        job.save(update_fields=["status", "current", "finished_at", "result"])
    except Exception as exc:
        job.status, job.finished_at, job.error = JobStatus.FAILED, timezone.now(), f"{type(exc).__name__}: {exc}"[:500]
        job.save(update_fields=["status", "finished_at", "error"])
        raise
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, _lock_key(str(job.public_id))])
    return job
