"""The Celery app: tenant-aware (tenant-schemas-celery), configured from Django settings.

Start a worker with ``celery -A config.celery worker`` from a process that has ``platform/`` on its
path (``platform/devstack.py`` does it). Tasks carry the schema they were sent from in a header; the
worker switches to it before the task and back to ``public`` after it (see ``config.tasks``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_platform_dir = str(Path(__file__).resolve().parents[1])
if _platform_dir not in sys.path:  # pragma: no cover - entry points normally set it
    sys.path.insert(0, _platform_dir)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from tenant_schemas_celery.app import CeleryApp  # noqa: E402


class PlatformCelery(CeleryApp):
    task_cls = "config.tasks:PlatformTask"


# Tasks with a queue of their own, so that their work never waits behind (nor delays) payouts, drains
# and webhooks: entity provisioning runs DDL for a second or more, and its worker holds
# DATABASE_OWNER_URL, which the other workers do not need (docs/operations.md, "Database roles").
OWN_QUEUES = {"federation_api.provision_entity": "provisioning"}


def queue_for(kind: str) -> str:
    """The queue of one kind of task: ``CELERY_<KIND>_QUEUE`` if set, else ``<default queue>-<kind>``."""
    from django.conf import settings

    return getattr(settings, f"CELERY_{kind.upper()}_QUEUE", "") or f"{settings.CELERY_TASK_DEFAULT_QUEUE}-{kind}"


def route_task(name: str, args: object, kwargs: object, options: object, task: object = None, **kw: object) -> object:
    kind = OWN_QUEUES.get(name)
    return {"queue": queue_for(kind)} if kind else None


app = PlatformCelery("smart_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
