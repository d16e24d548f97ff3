from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from config.db import connection

from .models import JobCheck


def job_check_request(*, requested_by: str) -> JobCheck:
    """Record a check and send it to the workers once the row is committed."""
    from .tasks import job_check_complete

    with transaction.atomic():
        check = JobCheck.objects.create(requested_by=requested_by)
        job_check_complete.send_on_commit(str(check.public_id))
    return check


def job_check_complete_in_worker(*, check_id: uuid.UUID, worker: str) -> bool:
    """Mark the check done; a retried or replayed message changes nothing the second time."""
    updated = JobCheck.objects.filter(public_id=check_id, completed_at__isnull=True).update(
        completed_at=timezone.now(), ran_in_schema=connection.schema_name, worker=worker[:200]
    )
    return bool(updated)
