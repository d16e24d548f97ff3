from __future__ import annotations

import uuid

from config.celery import app

from . import services


@app.task(bind=True, scope="tenant", robust_send=True, name="workspace.job_check_complete")
def job_check_complete(self, check_id: str) -> bool:  # type: ignore[no-untyped-def]
    return services.job_check_complete_in_worker(check_id=uuid.UUID(check_id), worker=self.request.hostname or "")
