from __future__ import annotations

from django.db.models import QuerySet

from .models import JobCheck


def job_check_recent(*, limit: int = 10) -> QuerySet[JobCheck]:
    return JobCheck.objects.all()[:limit]
