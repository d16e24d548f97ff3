from __future__ import annotations

import platform
import sys

from config.celery import app
from config.db import connection


@app.task(scope="public", name="registry.connection_report", ignore_result=False)
def connection_report() -> dict[str, str]:
    """What a worker's connection looks like between tasks: schema, search path, runtime.

    Used by operators to check a worker, and by the tests to prove that a worker is back on
    ``public`` after a tenant task and that the standard library's ``platform`` is the real one.
    """
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        search_path = cursor.fetchone()[0]
    return {
        "schema": connection.schema_name,
        "search_path": search_path,
        "python": sys.version.split()[0],
        "system": platform.system(),
    }
