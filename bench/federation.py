"""bench/federation: the consolidation's three figures, each against its baseline in the same run.

    make bench BENCH_ARGS="--only federation --quick"        # 4 entities x 2 000 ledger lines
    make bench BENCH_ARGS="--only federation --entities 200 --lines 50000"   # the issue's volume
    python bench/federation.py [options]                      # needs DATABASE_URL; `make bench` sets it

In its own database (``smart_bench_federation``), ``--entities`` entities (``bench-fed-<i>``) are
created once and each filled once with ``--lines`` ledger lines (balanced two-line invoice entries
with their outbox events, written by one SQL statement per entity), then:

1. **Consolidated API p95**: ``GET /api/v1/federation/figures/?by=group`` (the whole group's figures
   per month and currency, EUR conversion included) through the Django test client, against the naive
   baseline: a loop over the entities' schemas aggregating each one's ledger with the ORM. Also
   ``?by=entity`` (every entity x every month in one answer: 3 600 rows at 200 entities).
2. **Incremental drain**: with a real Celery worker running (and no periodic sweep), one entry
   posted with ``entry_post`` in one entity; timed from before the post until the group's facts
   show it (the commit sends the entity's drain, ``OUTBOX_HOOKS``). Median and p95. Also the drain's
   own work without the Celery hop (post, then ``entity_drain`` in-process).
3. **Rebuild**: ``rebuild_all`` of every entity (the books read in one set-based statement per
   entity; two entities at once, as ``federation_rebuild`` does by default, and also one at a time)
   against one ``UNION ALL`` SQL aggregate of all the schemas' lines (the physical floor, which
   PostgreSQL may itself run with parallel workers), in the same run; all warm (best of two).

Results in ``bench/results/federation.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "platform")]

from bench.common import create_database, with_database  # noqa: E402

RESULTS = PROJECT_DIR / "bench" / "results"
DATABASE = "smart_bench_federation"
SETTINGS = "config.settings.base"

FILL = """
WITH e AS (
    INSERT INTO ledger_journalentry (public_id, kind, date, posted_at, description, source, posted_by)
    SELECT gen_random_uuid(), 'invoice_issued', DATE '2025-01-01' + (g %% 540), now(), 'bench', 'bench', ''
    FROM generate_series(1, %(entries)s) g
    RETURNING id, public_id, date
), l AS (
    INSERT INTO ledger_journalline (entry_id, account_id, amount, currency, memo)
    SELECT e.id, a.id, CASE WHEN a.kind = 'client_receivable' THEN 1 ELSE -1 END * ((e.id %% 997) + 1)::numeric(20, 2),
           %(currency)s, ''
    FROM e JOIN ledger_account a ON a.kind IN ('client_receivable', 'levy_income')
)
INSERT INTO ledger_outboxevent (event_id, kind, occurred_at, payload)
SELECT gen_random_uuid(), 'ledger.entry_posted', now(), jsonb_build_object(
    'entry', e.public_id::text, 'kind', 'invoice_issued', 'date', e.date::text, 'reverses', NULL,
    'lines', jsonb_build_array(
        jsonb_build_object('account_kind', 'client_receivable', 'amount', ((e.id %% 997) + 1)::numeric(20, 2)::text,
                           'currency', %(currency)s, 'activity', NULL, 'activity_stage', NULL),
        jsonb_build_object('account_kind', 'levy_income', 'amount', (-((e.id %% 997) + 1))::numeric(20, 2)::text,
                           'currency', %(currency)s, 'activity', NULL, 'activity_stage', NULL)))
FROM e
"""
COUNTRIES = [("BE", "EUR", "0403170701"), ("SE", "SEK", "5560000001"), ("HU", "HUF", "12892312")]


def _entities(count: int, lines: int) -> list[Any]:
    from django.db import connection as db
    from django.db import transaction
    from django_tenants.utils import tenant_context

    from tenants.ledger.models import JournalLine
    from tenants.registry.models import Entity
    from tenants.registry.services import entity_create

    entities = []
    for i in range(count):
        slug = f"bench-fed-{i}"
        entity = Entity.objects.filter(slug=slug).first()
        if entity is None:
            country, currency, number = COUNTRIES[i % len(COUNTRIES)]
            entity = entity_create(
                slug=slug,
                display_name=f"Bench {i}",
                legal_name=f"Bench {i} SC",
                country=country,
                legal_form="SC",
                company_number=number,
                currency=currency,
                languages=["en"],
                default_language="en",
                staff_email=f"staff@{slug}.bench",
            ).entity
        with tenant_context(entity):
            held = JournalLine.objects.count()
            if held < lines:
                with transaction.atomic(), db.cursor() as cursor:
                    # Setup, not measured: the ledger's balance and immutability triggers are skipped
                    # for this generated data (balanced by construction), then the planner's
                    # statistics taken as autovacuum would.
                    cursor.execute("SET LOCAL session_replication_role = replica")
                    cursor.execute(FILL, {"entries": (lines - held) // 2, "currency": entity.currency})
                with db.cursor() as cursor:
                    cursor.execute("ANALYZE ledger_journalline, ledger_journalentry, ledger_outboxevent")
        entities.append(entity)
    return entities


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _naive(entities: list[Any]) -> int:
    """What a group report would do without the read model: every schema, one ORM aggregate each."""
    from django.db.models import Sum
    from django.db.models.functions import TruncMonth
    from django_tenants.utils import tenant_context

    from tenants.ledger.models import JournalLine

    rows = 0
    for entity in entities:
        with tenant_context(entity):
            rows += len(
                JournalLine.objects.filter(account__kind__in=["client_receivable", "levy_income"])
                .annotate(period=TruncMonth("entry__date"))
                .values("period", "currency", "account__kind")
                .annotate(total=Sum("amount"))
            )
    return rows


def _union_all(entities: list[Any]) -> int:
    from django.db import connection as db
    from django.db import transaction

    parts = [
        f"SELECT date_trunc('month', e.date) AS period, a.kind, l.currency, l.amount "  # noqa: S608 - our schemas
        f'FROM "{x.schema_name}".ledger_journalline l '
        f'JOIN "{x.schema_name}".ledger_journalentry e ON e.id = l.entry_id '
        f'JOIN "{x.schema_name}".ledger_account a ON a.id = l.account_id'
        for x in entities
    ]
    sql = f"SELECT period, kind, currency, sum(amount), count(*) FROM ({' UNION ALL '.join(parts)}) t GROUP BY 1, 2, 3"  # noqa: S608
    with transaction.atomic(), db.cursor() as cursor:
        # The same session settings as the rebuild gets (memory for the aggregate, no JIT).
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql)
        return len(cursor.fetchall())


@contextlib.contextmanager
def _worker() -> Iterator[None]:
    """A real Celery worker on the bench's database and its own queue (no beat: only the drains the
    commits send)."""
    from celery import Celery

    from config.celery import app

    node = f"bench-federation-{os.getpid()}@localhost"
    queue = os.environ["CELERY_TASK_DEFAULT_QUEUE"]
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery", "worker", "--pool", "solo", "-n", node, "-Q", queue,
         "-l", "WARNING", "--without-gossip", "--without-mingle"],
        cwd=PROJECT_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        control: Celery = app
        while not control.control.ping(destination=[node], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the bench's Celery worker did not start")
        yield
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def measure(entity_count: int, lines: int, calls: int) -> dict[str, Any]:
    import datetime
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.models import Sum
    from django.test import Client
    from django_tenants.utils import tenant_context

    from federation_api import consolidation
    from federation_api.models import Fact
    from tenants.ledger.models import AccountKind, EntryKind
    from tenants.ledger.services import Posting, account, entry_post

    call_command("migrate_schemas", shared=True, verbosity=0, interactive=False)
    call_command("migrate_fleet", "--jobs", "2", verbosity=0)
    started = time.perf_counter()
    entities = _entities(entity_count, lines)
    setup_seconds = time.perf_counter() - started
    from tenants.ledger.models import JournalLine

    held = 0
    for entity in entities:  # an earlier, larger run may have filled the entities with more
        with tenant_context(entity):
            held += JournalLine.objects.count()

    # 3. rebuild vs UNION ALL (first, so that the facts exist for the API)
    rebuild, rebuild_serial, union = [], [], []
    for _ in range(2):
        t = time.perf_counter()
        _union_all(entities)
        union.append(time.perf_counter() - t)
        t = time.perf_counter()
        consolidation.rebuild_all(entities=entities, jobs=2)
        rebuild.append(time.perf_counter() - t)
        t = time.perf_counter()
        consolidation.rebuild_all(entities=entities, jobs=1)
        rebuild_serial.append(time.perf_counter() - t)

    # 1. API p95 vs naive loop
    user, _ = get_user_model().objects.get_or_create(
        username="bench@group.bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)

    def timed(by: str) -> list[float]:
        for _ in range(3):  # warm-up: first queries plan and fill caches
            client.get("/api/v1/federation/figures/", {"by": by}, HTTP_HOST="localhost")
        out = []
        for _ in range(calls):
            t = time.perf_counter()
            response = client.get("/api/v1/federation/figures/", {"by": by}, HTTP_HOST="localhost")
            out.append(time.perf_counter() - t)
            if response.status_code != 200:
                raise SystemExit(f"API answered {response.status_code}: {response.content[:300]!r}")
        return out

    api = timed("group")  # the group's consolidated figures per month and currency
    api_entity = timed("entity")  # every entity x every month: the whole breakdown in one answer
    naive = []
    for _ in range(max(3, calls // 5)):
        t = time.perf_counter()
        _naive(entities)
        naive.append(time.perf_counter() - t)

    # 2. incremental drain
    entity = entities[0]

    def post() -> None:
        with tenant_context(entity):
            entry_post(
                kind=EntryKind.INVOICE_ISSUED,
                on=datetime.date(2026, 1, 15),
                description="bench",
                source="bench",
                postings=[
                    Posting(account(AccountKind.CLIENT_RECEIVABLE), Decimal("10.00"), entity.currency),
                    Posting(account(AccountKind.LEVY_INCOME), Decimal("-10.00"), entity.currency),
                ],
            )

    in_process = []
    for _ in range(calls):
        t = time.perf_counter()
        post()
        consolidation.entity_drain(entity=entity)
        in_process.append(time.perf_counter() - t)

    def levy() -> Decimal:
        return Fact.objects.filter(entity=entity, account_kind="levy_income").aggregate(t=Sum("amount"))["t"]

    drain = []
    with _worker():
        for _ in range(calls):
            before = levy()
            t = time.perf_counter()
            post()  # commits: OUTBOX_HOOKS sends the entity's drain to the worker
            deadline = t + 30
            while levy() == before:
                if time.perf_counter() > deadline:
                    raise SystemExit("the worker did not drain the entry within 30 s")
                time.sleep(0.002)
            drain.append(time.perf_counter() - t)
            time.sleep(0.05)
    if consolidation.entity_reconcile(entity=entity):
        raise SystemExit("the drained figures do not reconcile")

    ms = lambda seconds: round(seconds * 1000, 1)  # noqa: E731
    return {
        "entities": entity_count,
        "lines_per_entity": lines,
        "lines_held": held,
        "setup_seconds": round(setup_seconds, 1),
        "api_p95_ms": ms(_p(api, 0.95)),
        "api_median_ms": ms(statistics.median(api)),
        "api_by_entity_p95_ms": ms(_p(api_entity, 0.95)),
        "api_by_entity_median_ms": ms(statistics.median(api_entity)),
        "naive_p95_ms": ms(_p(naive, 0.95)),
        "naive_median_ms": ms(statistics.median(naive)),
        "drain_median_ms": ms(statistics.median(drain)),
        "drain_p95_ms": ms(_p(drain, 0.95)),
        "drain_in_process_median_ms": ms(statistics.median(in_process)),
        "rebuild_seconds": round(min(rebuild), 3),
        "union_all_seconds": round(min(union), 3),
        "rebuild_vs_union_all": round(min(rebuild) / min(union), 2),
        "rebuild_serial_seconds": round(min(rebuild_serial), 3),
        "rebuild_serial_vs_union_all": round(min(rebuild_serial) / min(union), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inner", action="store_true")
    parser.add_argument("--entities", type=int, default=20)
    parser.add_argument("--lines", type=int, default=20_000, help="ledger lines per entity")
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="4 entities x 2 000 lines, 20 calls")
    parser.add_argument("--seconds", type=float, help="ignored (accepted from `make bench`)")
    parser.add_argument("--rounds", type=int, help="ignored (accepted from `make bench`)")
    parser.add_argument("--invoices", type=int, help="ignored (bench/declarations.py only)")
    args = parser.parse_args()
    if args.quick:
        args.entities, args.lines, args.calls = 4, 2000, 20
    if args.inner:
        import django

        django.setup()
        print(json.dumps(measure(args.entities, args.lines, args.calls)))
        return 0

    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        raise SystemExit("DATABASE_URL is not set: run through `make bench`, which provides one.")
    create_database(base_url, DATABASE)
    print(f"bench/federation: {args.entities} entities x {args.lines}+ lines, database {DATABASE}", flush=True)
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": with_database(base_url, DATABASE),
            "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR), str(PROJECT_DIR / "platform")]),
            "PLATFORM_BASE_DOMAIN": "localhost",
            "CELERY_TASK_DEFAULT_QUEUE": f"bench-federation-{os.getpid()}",
        }
    )
    command = [sys.executable, __file__, "--inner", "--entities", str(args.entities), "--lines", str(args.lines)]
    command += ["--calls", str(args.calls)]
    out = subprocess.run(command, env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"bench/federation failed:\n{out.stdout}\n{out.stderr}")
    report = {"benchmark": "federation", **json.loads(out.stdout.strip().splitlines()[-1])}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "federation.json").write_text(json.dumps(report, indent=2))
    r = report
    print(f"ledger lines held by the {r['entities']} entities: {r['lines_held']}")
    print(
        f"consolidated API (whole group, ?by=group) p95 {r['api_p95_ms']} ms (median {r['api_median_ms']}) vs naive "
        f"ORM loop over schemas p95 {r['naive_p95_ms']} ms (median {r['naive_median_ms']}); every entity x month "
        f"(?by=entity) p95 {r['api_by_entity_p95_ms']} ms (median {r['api_by_entity_median_ms']})"
    )
    print(
        f"incremental drain, entry committed -> group figures, worker running: median {r['drain_median_ms']} ms, "
        f"p95 {r['drain_p95_ms']} ms (the drain's own work, in-process: median {r['drain_in_process_median_ms']} ms)"
    )
    print(
        f"rebuild (2 jobs, as `federation_rebuild` runs) {r['rebuild_seconds']} s vs one UNION ALL aggregate "
        f"{r['union_all_seconds']} s: x{r['rebuild_vs_union_all']} (one job: {r['rebuild_serial_seconds']} s, "
        f"x{r['rebuild_serial_vs_union_all']})"
    )
    print(f"written to {RESULTS / 'federation.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
