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


app = PlatformCelery("smart_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
