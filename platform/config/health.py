"""``/health/`` on the group domain: database, broker and at least one worker answering."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app
from config.db import connection


def _database() -> dict[str, object]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _broker() -> dict[str, object]:
    # A fresh connection (not the producer pool) to the configured broker, so a dead broker shows.
    with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return {"ok": True}


def _workers() -> dict[str, object]:
    # The first reply is enough to know a worker is alive; do not wait out the timeout for more.
    replies = app.control.ping(timeout=1.0, limit=1)
    if not replies:
        return {"ok": False, "error": "no worker answered"}
    return {"ok": True, "workers": sorted(name for reply in replies for name in reply)}


CHECKS = {"database": _database, "broker": _broker, "worker": _workers}


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    report: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            result = check()
        except Exception as exc:  # any failure of a dependency is a "down", reported, never a 500
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        result["ms"] = round((time.monotonic() - started) * 1000, 1)
        report[name] = result
    healthy = all(item["ok"] for item in report.values())
    return JsonResponse({"status": "ok" if healthy else "down", "checks": report}, status=200 if healthy else 503)
