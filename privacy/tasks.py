"""The daily follow-up of erasures: when a record kept for the law reaches the end of its retention
period, the person's erasure runs again and pseudonymises it (and whatever else has ended)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from config.celery import app
from config.errors import PlatformError

from .erasure import erase_person
from .models import Erasure, ErasureStatus

log = logging.getLogger(__name__)


@app.task(scope="public", name="privacy.retention_sweep")
def retention_sweep() -> int:
    today = timezone.localdate()
    due = Erasure.objects.filter(status=ErasureStatus.DONE, next_review__lte=today).order_by("next_review", "pk")
    done = 0
    for erasure in list(due.only("pk", "person_id")):
        try:
            with transaction.atomic():
                # Row lock: a replayed message or a second worker skips the erasures already followed up.
                claimed = Erasure.objects.select_for_update(skip_locked=True).filter(
                    pk=erasure.pk, next_review__lte=today
                )
                if not claimed.exists():
                    continue
                erase_person(
                    person_id=erasure.person_id,
                    by="privacy.retention_sweep",
                    reason=f"retention period ended (follow-up of erasure {erasure.pk})",
                    follow_up_of=erasure,
                )
                claimed.update(next_review=None)
                done += 1
        except PlatformError as refused:
            # Undone as a whole (a value found outside the retained records): the others go on, this
            # one is tried again tomorrow and the officer sees it in the log.
            log.error("erasure follow-up of %s refused: %s %s", erasure.pk, refused.code, refused.message)
    return done
