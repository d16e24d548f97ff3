"""bench/scaleout: several web processes behind one address, several Celery workers on one broker (Redis,
then RabbitMQ), real staff traffic, and the group's consolidation reconciled to the cent afterwards.

    make bench BENCH_ARGS="--only scaleout"            # 4 entities, 2 x 2 web processes, 2 workers, both brokers
    make bench BENCH_ARGS="--only scaleout --quick"    # 2 entities, 5 cycles per session
    python bench/scaleout.py [options]                  # needs DATABASE_URL and CELERY_BROKER_URL (redis://)

Everything runs on loopback, in its own database (``<name of DATABASE_URL's database>_scaleout``):

1. **Set-up** (once, reused by later runs): shared and fleet migrations, then ``--entities`` entities
   (``scale-<i>``, in BE/EUR, SE/SEK and HU/HUF in turn) created by ``entity_create``, their staff user's
   password set to a known value.
2. For each broker (``--brokers redis,amqp``): ``--web`` gunicorn instances on their own ports, each with
   ``--web-workers`` processes (``config.wsgi``), behind **one** address: a round-robin TCP proxy of this
   script (asyncio, one backend per client connection); ``--workers`` Celery workers (separate processes,
   distinct node names, one queue) and Celery beat (the 5 s ``federation.drain_all`` sweep and the other
   periodic tasks of the deployment). The cache (drain-pending flags, sign-in throttling) is the Redis
   server's, for both brokers: several processes need a shared one.
3. Traffic, all through the proxy with the entity's host in the ``Host`` header: ``--sessions`` staff
   sessions per entity sign in through the real login page, create their own member, activity and client
   through the entity API, then ``--cycles`` times: declare a performance (``POST /api/v1/declarations/``:
   invoice, wage contract, the single percentage, every posting), record the client's payment, read the
   trial balance (API) and the invoices page (HTML). Every ledger entry's commit sends its entity's drain to
   the workers (``OUTBOX_HOOKS``).
4. Then: the time until every entity's outbox is published (the workers catching up), the platform's own
   ``federation_reconcile`` (facts vs each entity's ledger, per account kind, currency and month, to the
   cent), group totals from both sides, and who served what: requests per gunicorn process (pid from its
   access log) and per instance (the proxy), tasks per Celery worker (from their logs).

Results in ``bench/results/scaleout.json``. Every process started is stopped at the end; the broker
queue is deleted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "platform")]

from bench.common import create_database, with_database  # noqa: E402

RESULTS = PROJECT_DIR / "bench" / "results"
SETTINGS = "config.settings.base"
COUNTRIES = [("BE", "EUR", "0403170701"), ("SE", "SEK", "5560000001"), ("HU", "HUF", "12892312")]
AMQP_DEFAULT = "amqp://guest:guest@127.0.0.1:5672//"
PASSWORD = "scale-out-" + "7f3a9c2e41d8b6a0"  # bench entities only, in the bench's own database
ACCESS_FORMAT = '%(p)s %({x-bench-phase}i)s %(s)s "%(m)s %(U)s" %({host}i)s %(M)s'


# --- set-up and checks inside Django (run as `--inner-setup` / `--inner-check`) --------------------


def inner_setup(count: int) -> list[dict[str, Any]]:
    import random

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from tenants.billing.vat import allowed_vat_rates
    from tenants.demo_operations import demo_iban
    from tenants.registry.models import Domain, Entity
    from tenants.registry.services import entity_create

    call_command("migrate_schemas", shared=True, verbosity=0, interactive=False)
    call_command("migrate_fleet", "--jobs", "2", verbosity=0)
    out = []
    for i in range(count):
        slug = f"scale-{i}"
        country, currency, number = COUNTRIES[i % len(COUNTRIES)]
        staff = f"staff@{slug}.bench"
        entity = Entity.objects.filter(slug=slug).first()
        if entity is None:
            entity = entity_create(
                slug=slug,
                display_name=f"Scale {i}",
                legal_name=f"Scale {i} SC",
                country=country,
                legal_form="SC",
                company_number=number,
                currency=currency,
                languages=["en"],
                default_language="en",
                staff_email=staff,
                staff_password=PASSWORD,
            ).entity
        else:
            with tenant_context(entity):
                user = get_user_model().objects.get(username=staff)
                user.set_password(PASSWORD)
                user.save(update_fields=["password"])
        rates = sorted(allowed_vat_rates(country))
        out.append(
            {
                "slug": slug,
                "schema": entity.schema_name,
                "host": Domain.objects.get(tenant=entity, is_primary=True).domain,
                "username": staff,
                "country": country,
                "currency": currency,
                "vat_rate": str(rates[-1]),
                "ibans": [demo_iban(country, random.Random(f"{slug}-{n}")) for n in range(64)],
            }
        )
    return out


def inner_check(slugs: list[str]) -> dict[str, Any]:
    """The group's totals per (account kind, currency) from the facts and from the entities' own books,
    and the platform's reconcile (per account kind, currency and month, entity by entity)."""
    from django.db.models import Sum
    from django_tenants.utils import tenant_context

    from federation_api import consolidation
    from federation_api.models import Fact
    from tenants.ledger.models import JournalEntry, JournalLine
    from tenants.registry.models import Entity

    books: Counter[tuple[str, str]] = Counter()
    facts: Counter[tuple[str, str]] = Counter()
    entries = lines = differences = 0
    for entity in Entity.objects.filter(slug__in=slugs).order_by("slug"):
        with tenant_context(entity):
            entries += JournalEntry.objects.count()
            lines += JournalLine.objects.count()
            for row in JournalLine.objects.values("account__kind", "currency").annotate(t=Sum("amount")):
                books[(row["account__kind"], row["currency"])] += row["t"]
        for fact in Fact.objects.filter(entity=entity).values("account_kind", "currency").annotate(t=Sum("amount")):
            facts[(fact["account_kind"], fact["currency"])] += fact["t"]
        differences += len(consolidation.entity_reconcile(entity=entity))
    keys = sorted(set(books) | set(facts))
    return {
        "entries": entries,
        "lines": lines,
        "totals": [
            [kind, currency, str(books[(kind, currency)]), str(facts[(kind, currency)])] for kind, currency in keys
        ],
        "totals_equal": sum(books[k] == facts[k] for k in keys),
        "totals_compared": len(keys),
        "differences": differences,
    }


# --- the one address: a round-robin TCP proxy ------------------------------------------------------


class Proxy:
    """Listens on one port and hands each client connection to the next backend in turn (TCP level: the
    HTTP bytes pass through untouched, Host header included). Runs its own event loop in a thread."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.counts: Counter[int] = Counter()
        self.port = 0
        self._next = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._stop: asyncio.Future[None] | None = None

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        backend = self.backends[self._next % len(self.backends)]
        self._next += 1
        self.counts[backend] += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", backend)
        except OSError:
            writer.close()
            return
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _serve(self) -> None:
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=256)
        self.port = server.sockets[0].getsockname()[1]
        self._stop = self._loop.create_future()
        self._ready.set()
        async with server:
            await self._stop

    def _run(self) -> None:
        self._loop.run_until_complete(self._serve())

    def __enter__(self) -> Proxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        def stop() -> None:
            if self._stop is not None and not self._stop.done():
                self._stop.set_result(None)

        self._loop.call_soon_threadsafe(stop)
        self._thread.join(10)


# --- processes -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_all(processes: list[subprocess.Popen[bytes]], grace: float = 20) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def request(
    port: int, host: str, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers={"Host": host, "Connection": "close", **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        lowered: dict[str, str] = {}
        for key, value in response.getheaders():  # several Set-Cookie headers are kept, joined by a newline
            key = key.lower()
            lowered[key] = f"{lowered[key]}\n{value}" if key in lowered else value
        return response.status, lowered, data
    finally:
        conn.close()


@contextlib.contextmanager
def web(count: int, workers: int, env: dict[str, str], logs: Path, *, workers_up: bool = True) -> Iterator[list[int]]:
    """``count`` gunicorn instances of ``workers`` processes each, on free ports; ready when ``/health/``
    answers 200 on each (503 is enough with ``workers_up=False``: Django answers, no Celery worker does)."""
    ready = {200} if workers_up else {200, 503}
    ports = [free_port() for _ in range(count)]
    processes = []
    for i, port in enumerate(ports):
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--worker-class", "sync", "--timeout", "120", "--backlog", "256",
            "--access-logfile", str(logs / f"web{i}.access.log"), "--access-logformat", ACCESS_FORMAT,
            "--error-logfile", str(logs / f"web{i}.error.log"),
        ]  # fmt: skip
        with open(logs / f"web{i}.stderr.log", "wb") as stderr:
            processes.append(subprocess.Popen(command, env=env, cwd=PROJECT_DIR, stdout=stderr, stderr=stderr))
    try:
        deadline = time.monotonic() + 90
        for port in ports:
            while True:
                with contextlib.suppress(OSError):
                    if request(port, "localhost", "GET", "/health/")[0] in ready:
                        break
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    raise SystemExit(f"gunicorn did not start: see {logs}")
                time.sleep(0.3)
        yield ports
    finally:
        stop_all(processes)


@contextlib.contextmanager
def celery(count: int, queue: str, env: dict[str, str], logs: Path, tag: str) -> Iterator[list[str]]:
    base = [sys.executable, "-m", "celery", "-A", "config.celery"]
    nodes = [f"scaleout-{tag}-w{i + 1}@localhost" for i in range(count)]
    processes = []
    for i, node in enumerate(nodes):
        command = [
            *base, "worker", "--pool", "solo", "-n", node, "-Q", queue, "-l", "INFO",
            "--without-gossip", "--without-mingle", "--logfile", str(logs / f"worker{i + 1}.log"),
        ]  # fmt: skip
        with open(logs / f"worker{i + 1}.stderr.log", "wb") as stderr:
            processes.append(subprocess.Popen(command, env=env, cwd=PROJECT_DIR, stdout=stderr, stderr=stderr))
    beat = [*base, "beat", "-l", "INFO", "--logfile", str(logs / "beat.log")]
    with open(logs / "beat.stderr.log", "wb") as stderr:
        processes.append(subprocess.Popen(beat, env=env, cwd=PROJECT_DIR, stdout=stderr, stderr=stderr))
    try:
        deadline = time.monotonic() + 90
        for i in range(count):
            log = logs / f"worker{i + 1}.log"
            while not (log.exists() and " ready." in log.read_text(errors="replace")):
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    raise SystemExit(f"a Celery worker did not start: see {log}")
                time.sleep(0.3)
        yield nodes
    finally:
        stop_all(processes, grace=30)


def reachable(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5672), timeout=2).close()
    except OSError:
        return False
    return True


def delete_queue(broker: str, queue: str) -> None:
    """Leave nothing of ours on the shared broker."""
    from kombu import Connection

    with contextlib.suppress(Exception), Connection(broker, connect_timeout=5) as conn:
        if broker.startswith("redis"):
            client = conn.default_channel.client
            client.delete(queue, *client.keys(f"_kombu.binding*.{queue}"))
        else:
            conn.default_channel.queue_delete(queue)


# --- traffic ---------------------------------------------------------------------------------------


@dataclass
class Session:
    """One signed-in staff member of one entity, talking to the proxy with the entity's Host."""

    port: int
    entity: dict[str, Any]
    cookies: dict[str, str] = field(default_factory=dict)
    phase: str = "setup"  # sent in a header, which the access logs record
    timings: list[tuple[str, int, float]] = field(default_factory=list)  # (what, status, seconds)

    def call(self, what: str, method: str, path: str, data: Any = None, *, form: bool = False) -> tuple[int, Any]:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Language": "en",
            "X-Bench-Phase": self.phase,
        }
        body = None
        if method == "POST":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            if form:
                body = urllib.parse.urlencode(data).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body = json.dumps(data).encode()
                headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        status, response_headers, raw = request(self.port, self.entity["host"], method, path, body, headers)
        self.timings.append((what, status, time.perf_counter() - started))
        for line in response_headers.get("set-cookie", "").split("\n"):
            if line:
                for key, morsel in SimpleCookie(line).items():
                    self.cookies[key] = morsel.value
        if response_headers.get("content-type", "").startswith("application/json"):
            return status, json.loads(raw)
        return status, raw

    def ok(self, what: str, method: str, path: str, data: Any = None, status: int = 200) -> Any:
        got, body = self.call(what, method, path, data)
        if got != status:
            raise RuntimeError(f"{self.entity['slug']} {method} {path}: {got} {str(body)[:300]}")
        return body

    def sign_in(self) -> None:
        status, page = self.call("login page", "GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"{self.entity['slug']}: login page answered {status}")
        form = {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": self.entity["username"],
            "password": PASSWORD,
        }
        status, _ = self.call("sign in", "POST", "/accounts/login/", form, form=True)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"{self.entity['slug']}: sign-in answered {status}")

    def prepare(self, n: int) -> tuple[str, str, str]:
        e = self.entity
        member = self.ok(
            "setup",
            "POST",
            "/api/v1/members/",
            {
                "kind": "natural",
                "category": "natural_user",
                "first_name": f"Ada{n}",
                "last_name": f"Scale{uuid.uuid4().hex[:6]}",
                "birth_date": "1985-05-17",
                "email": f"ada{n}.{uuid.uuid4().hex[:6]}@scale.bench",
                "iban": e["ibans"][n % len(e["ibans"])],
                "languages": ["en"],
            },
            201,
        )
        activity = self.ok(
            "setup", "POST", "/api/v1/activities/", {"name": f"Tour {n}", "holder": member["id"], "stage": "start"}, 201
        )
        client = self.ok("setup", "POST", "/api/v1/clients/", {"name": f"Venue {n}", "country": e["country"]}, 201)
        return member["id"], activity["id"], client["id"]

    def round(self, member: str, activity: str, client: str, day: str, partly: bool) -> None:
        e = self.entity
        declaration = self.ok(
            "declaration",
            "POST",
            "/api/v1/declarations/",
            {
                "activity": activity,
                "client": client,
                "lines": [{"description": "Concert", "quantity": "2", "unit_price": "500", "vat_rate": e["vat_rate"]}],
                "performers": [{"member": member, "gross": "600"}],
                "performed_from": day,
                "performed_to": day,
                "country": e["country"],
            },
            201,
        )
        # Every other invoice is paid without its VAT only (2 x 500 net): receivables stay open in the books.
        gross = "1000" if partly else declaration["invoice_summary"]["total_gross"]["amount"]
        self.ok(
            "payment",
            "POST",
            f"/api/v1/invoices/{declaration['invoice']}/payments/",
            {"amount": gross, "currency": e["currency"], "received_on": day},
            201,
        )
        self.ok("trial balance (API)", "GET", "/api/v1/ledger/trial-balance/")
        status, _ = self.call("invoices (page)", "GET", "/invoices/")
        if status != 200:
            raise RuntimeError(f"{e['slug']} GET /invoices/: {status}")


def drive(
    port: int, entities: list[dict[str, Any]], sessions: int, cycles: int
) -> tuple[list[Session], float, list[str]]:
    """Every session signs in and prepares in parallel (not timed), then all run their rounds at once."""
    crew = [Session(port, entity) for entity in entities for _ in range(sessions)]
    errors: list[str] = []
    prepared: dict[int, tuple[str, str, str]] = {}

    def prepare(i: int) -> None:
        crew[i].sign_in()
        prepared[i] = crew[i].prepare(i)
        crew[i].timings.clear()
        crew[i].phase = "traffic"

    with ThreadPoolExecutor(len(crew)) as pool:
        list(pool.map(prepare, range(len(crew))))
    gate = threading.Barrier(len(crew))

    def run(i: int) -> None:
        gate.wait()
        for r in range(cycles):
            day = f"2026-{1 + r % 12:02d}-{1 + i % 28:02d}"
            try:
                crew[i].round(*prepared[i], day, partly=r % 2 == 1)
            except (RuntimeError, OSError) as exc:
                errors.append(str(exc))

    started = time.perf_counter()
    with ThreadPoolExecutor(len(crew)) as pool:
        list(pool.map(run, range(len(crew))))
    return crew, time.perf_counter() - started, errors


# --- one broker --------------------------------------------------------------------------------------


def unpublished(db_url: str, schemas: list[str]) -> int:
    import psycopg

    sql = " UNION ALL ".join(
        f'SELECT count(*) FROM "{s}".ledger_outboxevent WHERE published_at IS NULL'  # noqa: S608 - our schemas
        for s in schemas
    )
    with psycopg.connect(db_url, autocommit=True) as conn:
        return sum(row[0] for row in conn.execute(sql).fetchall())


def event_lags(db_url: str, schemas: list[str], since: Any) -> list[float]:
    """Seconds from each ledger event's write (in the web process's transaction) to its publication
    (the worker's drain committed it into the group's facts), for the events written since ``since``."""
    import psycopg

    sql = " UNION ALL ".join(
        f'SELECT extract(epoch FROM published_at - occurred_at)::float FROM "{s}".ledger_outboxevent '  # noqa: S608
        f"WHERE occurred_at >= %(since)s"
        for s in schemas
    )
    with psycopg.connect(db_url, autocommit=True) as conn:
        return sorted(row[0] for row in conn.execute(sql, {"since": since}).fetchall())


def db_now(db_url: str) -> Any:
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        row = conn.execute("SELECT now()").fetchone()
        assert row is not None
        return row[0]


def access_log(logs: Path, count: int) -> tuple[Counter[str], Counter[int]]:
    per_pid: Counter[str] = Counter()
    per_instance: Counter[int] = Counter()
    for i in range(count):
        path = logs / f"web{i}.access.log"
        for line in path.read_text(errors="replace").splitlines() if path.exists() else []:
            pid, phase = line.split(" ", 2)[:2]
            if phase != "traffic":
                continue
            pid = pid.strip("<>")
            per_pid[f"web{i}/pid {pid}"] += 1
            per_instance[i] += 1
    return per_pid, per_instance


TASK_DONE = re.compile(r"Task ([\w.]+)\[[0-9a-f-]+\] succeeded in [0-9.e-]+s: (\S+)")


def worker_logs(logs: Path, nodes: list[str]) -> dict[str, dict[str, int]]:
    out = {}
    for i, node in enumerate(nodes):
        tasks: Counter[str] = Counter()
        applied = 0
        for match in TASK_DONE.finditer((logs / f"worker{i + 1}.log").read_text(errors="replace")):
            tasks[match.group(1)] += 1
            if match.group(1) == "federation.entity_drain":
                with contextlib.suppress(ValueError):
                    applied += int(match.group(2))
        out[node] = {
            "tasks": sum(tasks.values()),
            "entity_drains": tasks["federation.entity_drain"],
            "events_applied": applied,
            "drain_all_sweeps": tasks["federation.drain_all"],
        }
    return out


def run_broker(
    tag: str, broker: str, args: argparse.Namespace, env: dict[str, str], entities: list[dict[str, Any]]
) -> dict[str, Any]:
    queue = f"{env.get('CELERY_TASK_DEFAULT_QUEUE', 'platform')}-scaleout-{tag}-{os.getpid()}"
    env = {**env, "CELERY_BROKER_URL": broker, "CELERY_TASK_DEFAULT_QUEUE": queue}
    schemas = [e["schema"] for e in entities]
    logs = Path(tempfile.mkdtemp(prefix=f"scaleout-{tag}-"))
    print(f"· {tag}: broker {broker.split('@')[-1]}, queue {queue}, logs in {logs}", flush=True)
    delete_queue(broker, queue)
    try:
        # Workers first: the web processes' /health/ (which must answer 200) pings them.
        with celery(args.workers, queue, env, logs, tag) as nodes:
            with web(args.web, args.web_workers, env, logs) as ports, Proxy(ports) as proxy:
                before = unpublished(env["DATABASE_URL"], schemas)
                since = db_now(env["DATABASE_URL"])
                crew, seconds, errors = drive(proxy.port, entities, args.sessions, args.cycles)
                load_end = time.perf_counter()
                backlog = unpublished(env["DATABASE_URL"], schemas)
                while (left := unpublished(env["DATABASE_URL"], schemas)) > 0:
                    if time.perf_counter() - load_end > 120:
                        raise SystemExit(f"{left} outbox events still unpublished 120 s after the traffic")
                    time.sleep(0.05)
                catch_up = time.perf_counter() - load_end
                lags = event_lags(env["DATABASE_URL"], schemas, since)
                time.sleep(1)  # let the last log lines reach the files
            per_pid, per_instance = access_log(logs, args.web)
            proxied = {f"web{i} (:{port})": proxy.counts[port] for i, port in enumerate(ports)}
    finally:
        delete_queue(broker, queue)
    workers = worker_logs(logs, nodes)
    timings = [t for s in crew for t in s.timings]
    by_kind: dict[str, list[float]] = {}
    for what, _, secs in timings:
        by_kind.setdefault(what, []).append(secs)
    selected = [arg for e in entities for arg in ("--entity", e["slug"])]
    command = [sys.executable, str(PROJECT_DIR / "manage.py"), "federation_reconcile", *selected]
    reconcile = subprocess.run(command, env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    check = json.loads(inner(env, "--inner-check", *[e["slug"] for e in entities]))
    ms = lambda s: round(s * 1000, 1)  # noqa: E731
    return {
        "broker": tag,
        "web_instances": args.web,
        "web_processes": args.web * args.web_workers,
        "celery_workers": args.workers,
        "entities": len(entities),
        "sessions": len(crew),
        "requests": len(timings),
        "failures": len([t for t in timings if t[1] >= 400]),
        "errors": errors[:5],
        "error_count": len(errors),
        "seconds": round(seconds, 2),
        "requests_per_second": round(len(timings) / seconds, 1),
        "latency_ms": {
            k: {"median": ms(statistics.median(v)), "p95": ms(sorted(v)[int(0.95 * (len(v) - 1))]), "n": len(v)}
            for k, v in by_kind.items()
        },
        "per_web_process": dict(sorted(per_pid.items())),
        "per_instance_access_log": {f"web{i}": n for i, n in sorted(per_instance.items())},
        "per_instance_proxy_connections": proxied,
        "per_worker": workers,
        "outbox_before": before,
        "outbox_backlog_at_end_of_traffic": backlog,
        "drain_catch_up_seconds": round(catch_up, 2),
        "events": len(lags),
        "event_lag_ms": {
            "median": ms(statistics.median(lags)),
            "p95": ms(lags[int(0.95 * (len(lags) - 1))]),
            "max": ms(lags[-1]),
        },
        "reconcile_returncode": reconcile.returncode,
        "reconcile_output": reconcile.stdout.strip().splitlines(),
        "check": check,
    }


def inner(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, __file__, *args], env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"bench/scaleout {args[0]} failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout.strip().splitlines()[-1]


def report(r: dict[str, Any]) -> None:
    c = r["check"]
    per_instance = r["web_processes"] // r["web_instances"]
    print(
        f"\n== {r['broker']}: {r['web_processes']} web processes ({r['web_instances']} gunicorn x {per_instance}) "
        f"behind one address, {r['celery_workers']} Celery workers + beat"
    )
    rows = [
        ("requests (staff sessions)", f"{r['requests']} ({r['sessions']} sessions, {r['entities']} entities)"),
        ("failures (status >= 400 or error)", f"{r['failures']} / {r['error_count']}"),
        ("wall time of the traffic", f"{r['seconds']} s"),
        ("requests/s through the one address", f"{r['requests_per_second']}"),
    ]
    for kind, lat in r["latency_ms"].items():
        rows.append((f"  {kind}: median / p95", f"{lat['median']} / {lat['p95']} ms (n={lat['n']})"))
    rows.append(("per web process (access logs)", ", ".join(f"{k}: {v}" for k, v in r["per_web_process"].items())))
    rows.append(
        (
            "proxy connections per instance (all phases)",
            ", ".join(f"{k}: {v}" for k, v in r["per_instance_proxy_connections"].items()),
        )
    )
    for node, w in r["per_worker"].items():
        rows.append(
            (
                f"worker {node}",
                f"{w['tasks']} tasks, {w['entity_drains']} entity drains applying {w['events_applied']} events, "
                f"{w['drain_all_sweeps']} sweeps",
            )
        )
    rows.append(("outbox backlog when the traffic ended", f"{r['outbox_backlog_at_end_of_traffic']} events"))
    rows.append(("drain caught up after the traffic", f"{r['drain_catch_up_seconds']} s"))
    lag = r["event_lag_ms"]
    rows.append(
        (
            f"entry written -> group facts ({r['events']} events)",
            f"median {lag['median']} ms, p95 {lag['p95']} ms, max {lag['max']} ms",
        )
    )
    rows.append(("ledger (all runs so far)", f"{c['entries']} entries, {c['lines']} lines"))
    rows.append(("group totals (kind, currency) books = facts", f"{c['totals_equal']} of {c['totals_compared']} equal"))
    for kind, currency, book, fact in c["totals"]:
        if kind in {"bank", "client_receivable", "levy_income"}:
            rows.append((f"  {kind} {currency}: books / facts", f"{book} / {fact}"))
    verdict = "reconciles to the cent" if r["reconcile_returncode"] == 0 and c["differences"] == 0 else "DIFFERENCES"
    rows.append(("federation_reconcile", f"{verdict} ({c['differences']} differences)"))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"  {key.ljust(width)}  {value}")
    for error in r["errors"]:
        print(f"  error: {error}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inner-setup", type=int, metavar="ENTITIES")
    parser.add_argument("--inner-check", nargs="+", metavar="SLUG")
    parser.add_argument("--entities", type=int, default=4)
    parser.add_argument("--sessions", type=int, default=2, help="staff sessions per entity (concurrent)")
    parser.add_argument("--cycles", type=int, default=10, help="declaration + payment + 2 reads, per session")
    parser.add_argument("--web", type=int, default=2, help="gunicorn instances (one port each)")
    parser.add_argument("--web-workers", type=int, default=2, help="processes per gunicorn instance")
    parser.add_argument("--workers", type=int, default=2, help="Celery workers (separate processes)")
    parser.add_argument("--brokers", default="redis,amqp", help="comma-separated: redis, amqp")
    parser.add_argument(
        "--redis", default=os.environ.get("CELERY_BROKER_URL", ""), help="redis:// URL (broker and cache)"
    )
    parser.add_argument("--amqp", default=os.environ.get("SCALEOUT_AMQP_URL", AMQP_DEFAULT), help="RabbitMQ URL")
    parser.add_argument("--quick", action="store_true", help="2 entities, 5 cycles")
    parser.add_argument("--seconds", type=float, help="ignored (accepted from `make bench`)")
    parser.add_argument("--rounds", type=int, help="ignored (accepted from `make bench`)")
    parser.add_argument("--invoices", type=int, help="ignored (bench/declarations.py only)")
    args = parser.parse_args()
    if args.inner_setup is not None or args.inner_check:
        import django

        django.setup()
        if args.inner_check:
            print(json.dumps(inner_check(args.inner_check)))
        else:
            print(json.dumps(inner_setup(args.inner_setup)))
        return 0
    if args.quick:
        args.entities, args.cycles = 2, 5
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        raise SystemExit("DATABASE_URL is not set: run through `make bench`, which provides one.")
    if not args.redis.startswith(("redis://", "valkey://")):
        raise SystemExit("--redis (or CELERY_BROKER_URL) must be a redis:// URL: the cache and one of the brokers.")
    args.redis = args.redis.replace("valkey://", "redis://", 1)
    database = f"{urllib.parse.urlsplit(base_url).path.lstrip('/')}_scaleout"
    create_database(base_url, database)
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": with_database(base_url, database),
            "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR), str(PROJECT_DIR / "platform")]),
            "PLATFORM_BASE_DOMAIN": "localhost",
            "CACHE_URL": args.redis,
            "CACHE_KEY_PREFIX": f"{os.environ.get('CACHE_KEY_PREFIX', 'smart')}-scaleout",
            "LOG_LEVEL": "WARNING",
        }
    )
    env.pop("CELERY_RESULT_BACKEND", None)
    print(f"bench/scaleout: {args.entities} entities, database {database}", flush=True)
    entities = json.loads(inner({**env, "CELERY_BROKER_URL": args.redis}, "--inner-setup", str(args.entities)))
    brokers = {"redis": args.redis, "amqp": args.amqp}
    results = []
    for tag in [b for b in args.brokers.split(",") if b]:
        if tag not in brokers:
            raise SystemExit(f"--brokers: unknown broker {tag} (redis, amqp)")
        if not reachable(brokers[tag]):
            print(f"· {tag}: skipped, nothing answers at {brokers[tag].split('@')[-1]} (--{tag} URL)", flush=True)
            continue
        results.append(run_broker(tag, brokers[tag], args, env, entities))
        report(results[-1])
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "scaleout.json").write_text(json.dumps({"benchmark": "scaleout", "runs": results}, indent=2))
    print(f"\nwritten to {RESULTS / 'scaleout.json'}")
    bad = [
        r
        for r in results
        if r["failures"]
        or r["error_count"]
        or r["reconcile_returncode"]
        or r["check"]["differences"]
        or r["check"]["totals_equal"] != r["check"]["totals_compared"]
    ]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
