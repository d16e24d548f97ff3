"""bench/declarations: declarations per second in an entity already holding many invoices, next to a
bare-insert baseline measured in the same run, and the bulk import's throughput at that volume.

    make bench                                              # every benchmark (routing, then this one)
    make bench BENCH_ARGS="--only declarations --quick"     # this one, 5 000 invoices
    make bench BENCH_ARGS="--only declarations --invoices 20000 --rounds 5 --seconds 5"
    python bench/declarations.py [options]                  # needs DATABASE_URL; `make bench` sets it

Options: ``--invoices N`` (default 100 000) invoices in the measured entity; ``--quick`` (= 5 000);
``--seconds S`` per variant and round (default 3); ``--rounds R`` (default 3). ``make bench`` passes
``--seconds`` and ``--rounds`` to every benchmark, and ``--quick``/``--invoices`` to this one only.

What it measures, in its own database (``smart_bench_ops``), each part in its own process:

1. Declarations/s: ``declare_performance`` (invoice, one wage contract, the levy, every posting, one
   transaction each, committed) in the entity ``bench-ops-<N>``, which holds N imported invoices (filled
   once through the bulk import, then reused by later runs). Baseline in the same schema and the same
   run: single-row ORM ``create()`` of a plain table as wide as ``billing_invoice`` (no trigger, no
   foreign key), one committed transaction each. Rounds alternate baseline and declarations; the
   median round counts; the ratio is declarations/s over inserts/s. Statements per declaration are
   counted at the database wrapper.
2. Bulk import: members (N/10), clients (N/20), then the N invoices (with their payments and ledger
   entries) imported through ``tenants.imports`` into the empty entity ``bench-import``, each phase
   timed up to and including the commit-time checks (``SET CONSTRAINTS ALL IMMEDIATE``), then rolled
   back so that the entity stays empty for the next run. Rows/s counts the CSV rows of each file.

Results in ``bench/results/declarations.json``.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "platform")]

from bench.common import create_database, rate, statements_per_call, with_database  # noqa: E402

RESULTS = PROJECT_DIR / "bench" / "results"
DATABASE = "smart_bench_ops"
SETTINGS = "bench.settings_tenant"
IMPORT_ENTITY = "bench-import"
QUICK_INVOICES = 5000


# --- data -----------------------------------------------------------------------------------------


def volumes(invoices: int) -> dict[str, int]:
    return {
        "members": max(invoices // 10, 10),
        "clients": max(invoices // 20, 5),
        "activities": max(invoices // 50, 5),
        "invoices": invoices,
    }


def generate_csv(invoices: int, seed: str, today: datetime.date) -> dict[str, str]:
    """Deterministic members.csv, clients.csv and invoices.csv of a Belgian entity (EUR)."""
    from tenants.demo_operations import demo_iban
    from tenants.imports import CLIENT_COLUMNS, INVOICE_COLUMNS, MEMBER_COLUMNS, csv_text
    from tenants.registry.demo import demo_company_number

    rng = random.Random(seed)
    n = volumes(invoices)
    tag = seed.capitalize()
    members = []
    for i in range(n["members"]):
        if i % 50 == 49:  # a few legal persons
            number = demo_company_number("BE", f"{seed}-{i}")
            members.append(["legal", "legal_user", f"{tag} Studio {i} SRL", "", "", "", number, "BE"])
        else:
            birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=rng.randint(0, 40 * 365))
            members.append(["natural", "natural_user", f"{tag}{i}", f"Ada{i}", birth.isoformat(), "", "", "BE"])
        members[-1] += [f"m{i}@{seed}.bench", "fr", demo_iban("BE", rng), "yes" if i % 3 else "no"]
    member_header = [*MEMBER_COLUMNS[0], "first_name", "birth_date", "national_id", "company_number", "country"]
    member_header += ["email", "languages", "iban", "consent_newsletter"]
    clients = [
        [f"{tag} Client {i}", "BE", "yes" if i % 10 == 0 else "no", f"client{i}@{seed}.bench"]
        for i in range(n["clients"])
    ]
    holders = [i for i in range(n["members"]) if i % 50 != 49]
    rates = ["21", "21", "21", "6", "12", "0"]
    first_day = today - datetime.timedelta(days=3 * 365)
    rows = []
    for i in range(invoices):
        activity = i % n["activities"]
        client = rng.randrange(n["clients"])
        funding = client % 10 == 0 and rng.random() < 0.5
        net = Decimal(rng.randint(10_000, 500_000)) / 100
        vat = "0" if funding else rng.choice(rates)
        gross = net + (net * Decimal(vat) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        issued = first_day + datetime.timedelta(days=rng.randint(0, 3 * 365 - 60))
        settle = rng.random()
        paid = gross if settle < 0.7 else (gross / 2).quantize(Decimal("0.01")) if settle < 0.85 else Decimal(0)
        rows.append(
            [
                f"{tag} activity {activity}",
                f"{tag} Client {client}",
                issued.isoformat(),
                f"{net}",
                vat,
                "EUR",
                f"{paid}",
                "grant" if funding else "invoice",
                (issued + datetime.timedelta(days=rng.randint(5, 50))).isoformat() if paid else "",
                f"m{holders[activity % len(holders)]}@{seed}.bench" if i < n["activities"] else "",
                f"OLD-{i}",
            ]
        )
    invoice_header = [*INVOICE_COLUMNS[0], "kind", "paid_on", "activity_holder", "reference"]
    return {
        "members": csv_text(member_header, members),
        "clients": csv_text([*CLIENT_COLUMNS[0], "is_funder", "email"], clients),
        "invoices": csv_text(invoice_header, rows),
    }


# --- inside the benchmark's processes -------------------------------------------------------------


def _entity(slug: str) -> Any:
    from tenants.registry.models import Entity
    from tenants.registry.services import entity_create

    entity = Entity.objects.filter(slug=slug).first()
    if entity is None:
        entity = entity_create(
            slug=slug,
            display_name=f"Bench {slug}",
            legal_name=f"Bench {slug} SC",
            country="BE",
            legal_form="SC",
            company_number="0403170701",
            currency="EUR",
            languages=["fr", "en"],
            default_language="fr",
            staff_email=f"staff@{slug}.bench",
        ).entity
    return entity


def _phase(name: str, counts: dict[str, int], **files: str) -> dict[str, float]:
    """Import one file's rows (in the current transaction), commit-time checks included."""
    from config.db import connection
    from tenants.imports import entity_data_import

    started = time.perf_counter()
    sources = {name: io.StringIO(text) for name, text in files.items()}
    result = entity_data_import(
        entity=connection.tenant,
        members=sources.get("members"),
        clients=sources.get("clients"),
        invoices=sources.get("invoices"),
    )
    checks = time.perf_counter()
    with connection.cursor() as cursor:  # what the commit would check: each ledger entry's balance, keys
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    elapsed = time.perf_counter() - started
    return {
        "rows": counts[name],
        "seconds": round(elapsed, 2),
        "rows_per_second": round(counts[name] / elapsed, 1),
        "validate_seconds": round(result.seconds["validate"], 2),
        "write_seconds": round(result.seconds["write"], 2),
        "commit_checks_seconds": round(time.perf_counter() - checks, 2),
        "ledger_entries": result.entries,
    }


def setup(invoices: int) -> dict[str, Any]:
    """Shared schema, the (empty) import entity, and the measured entity filled once."""
    from django.core.management import call_command
    from django.db import transaction
    from django_tenants.utils import tenant_context

    from tenants.billing.models import Invoice

    call_command("migrate_schemas", shared=True, verbosity=0, interactive=False)
    _entity(IMPORT_ENTITY)
    entity = _entity(f"bench-ops-{invoices}")
    report: dict[str, Any] = {"entity": entity.slug}
    with tenant_context(entity):
        held = Invoice.objects.count()
        if held < invoices:
            if held:
                raise SystemExit(f"{entity.slug} holds {held} invoices, fewer than {invoices}: drop {DATABASE}")
            files = generate_csv(invoices, "fill", _today())
            started = time.perf_counter()
            counts = volumes(invoices)
            with transaction.atomic():
                phases = {name: _phase(name, counts, **{name: files[name]}) for name in ("members", "clients")}
                phases["invoices"] = _phase("invoices", counts, invoices=files["invoices"])
            report["filled"] = {"seconds": round(time.perf_counter() - started, 1), "phases": phases}
        report["invoices_held"] = Invoice.objects.count()
    return report


def _today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


def measure_import(invoices: int) -> dict[str, Any]:
    from django.db import transaction
    from django_tenants.utils import tenant_context

    from tenants.members.models import Member
    from tenants.registry.models import Entity

    entity = Entity.objects.get(slug=IMPORT_ENTITY)
    files = generate_csv(invoices, "measure", _today())
    counts = volumes(invoices)
    with tenant_context(entity):
        if Member.objects.exists():
            raise SystemExit(f"{IMPORT_ENTITY} is not empty")
        with transaction.atomic():
            phases = {name: _phase(name, counts, **{name: files[name]}) for name in ("members", "clients", "invoices")}
            transaction.set_rollback(True)  # the entity stays empty for the next run
    return phases


def _plain_model() -> Any:
    """A plain table as wide as billing_invoice: no trigger, no foreign key, no check."""
    from django.db import models

    class BenchPlainRow(models.Model):
        public_id = models.UUIDField(default=uuid.uuid4, unique=True)
        kind = models.CharField(max_length=20)
        number = models.CharField(max_length=20)
        activity_id = models.BigIntegerField()
        client_id = models.BigIntegerField()
        currency = models.CharField(max_length=3)
        issue_date = models.DateField()
        due_date = models.DateField()
        status = models.CharField(max_length=20)
        levy_rate = models.DecimalField(max_digits=5, decimal_places=2)
        total_net = models.DecimalField(max_digits=18, decimal_places=2)
        total_vat = models.DecimalField(max_digits=18, decimal_places=2)
        total_gross = models.DecimalField(max_digits=18, decimal_places=2)
        levy_amount = models.DecimalField(max_digits=18, decimal_places=2)
        client_name = models.CharField(max_length=200)
        created_at = models.DateTimeField(auto_now_add=True)

        class Meta:
            app_label = "workspace"
            managed = False
            db_table = "bench_plain_row"

        def __str__(self) -> str:
            return self.number

    return BenchPlainRow


def measure_declarations(invoices: int, seconds: float, rounds: int) -> dict[str, Any]:
    from django.db import connection
    from django_tenants.utils import tenant_context

    from tenants.activities.models import Activity, ActivityMember
    from tenants.billing.models import Client, Invoice
    from tenants.billing.services import LineInput
    from tenants.declarations.services import Performer, declare_performance
    from tenants.registry.models import Entity

    entity = Entity.objects.get(slug=f"bench-ops-{invoices}")
    plain = _plain_model()
    with tenant_context(entity):
        if plain._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(plain)
        held = Invoice.objects.count()  # invoices, funding agreements and the declarations of earlier runs
        holders = {m.activity_id: m.member for m in ActivityMember.objects.select_related("member")}
        activities = [a for a in Activity.objects.order_by("id") if a.pk in holders]
        clients = list(Client.objects.filter(is_funder=False).order_by("id")[:200])
        day = _today()
        line = [LineInput("Performance", Decimal(1), Decimal("1000.00"), Decimal(21))]
        done = 0

        def declare() -> None:
            nonlocal done
            activity = activities[done % len(activities)]
            declare_performance(
                activity=activity,
                client=clients[done % len(clients)],
                lines=line,
                performers=[Performer(holders[activity.pk], Decimal("300.00"))],
                performed_from=day,
                performed_to=day,
                country="BE",
                on=day,
                by="bench",
            )
            done += 1

        def insert() -> None:
            plain.objects.create(
                kind="invoice",
                number="INV0000-000000",
                activity_id=1,
                client_id=1,
                currency="EUR",
                issue_date=day,
                due_date=day,
                status="issued",
                levy_rate=Decimal("6.50"),
                total_net=Decimal("1000.00"),
                total_vat=Decimal("210.00"),
                total_gross=Decimal("1210.00"),
                levy_amount=Decimal("65.00"),
                client_name="Bench client",
            )

        for _ in range(20):  # warm-up: connection, caches, the plan of every statement
            insert()
            declare()
        per_declaration = statements_per_call(declare, 10)
        runs: dict[str, list[float]] = {"baseline": [], "declarations": []}
        for _ in range(rounds):
            runs["baseline"].append(rate(insert, seconds, batch=5))
            runs["declarations"].append(rate(declare, seconds, batch=5))
        plain.objects.all().delete()  # keep the baseline table small between runs
    return {
        "invoices_held": held,
        "statements_per_declaration": per_declaration,
        "baseline_inserts_per_second": round(statistics.median(runs["baseline"]), 1),
        "declarations_per_second": round(statistics.median(runs["declarations"]), 1),
        "rounds": {k: [round(v, 1) for v in values] for k, values in runs.items()},
    }


def _inner(args: argparse.Namespace) -> dict[str, Any]:
    import django

    django.setup()
    if args.inner == "setup":
        return setup(args.invoices)
    if args.inner == "import":
        return measure_import(args.invoices)
    return measure_declarations(args.invoices, args.seconds, args.rounds)


# --- driver ---------------------------------------------------------------------------------------


def _run(step: str, args: argparse.Namespace, base_url: str) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": with_database(base_url, DATABASE),
            "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR), str(PROJECT_DIR / "platform")]),
            "PLATFORM_BASE_DOMAIN": "localhost",
            "ROUTING_CACHE_ENABLED": "false",
        }
    )
    command = [sys.executable, __file__, "--inner", step, "--invoices", str(args.invoices)]
    command += ["--seconds", str(args.seconds), "--rounds", str(args.rounds)]
    started = time.perf_counter()
    out = subprocess.run(command, env=env, cwd=PROJECT_DIR, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"step {step} failed:\n{out.stdout}\n{out.stderr}")
    print(f"· {step}: {time.perf_counter() - started:.0f} s", flush=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inner", choices=["setup", "import", "declarations"])
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_INVOICES} invoices")
    parser.add_argument("--seconds", type=float, default=3.0, help="per variant and round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.quick:
        args.invoices = QUICK_INVOICES
    if args.invoices < 100:
        parser.error("--invoices: at least 100")

    if args.inner:
        print(json.dumps(_inner(args)))
        return 0

    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        raise SystemExit("DATABASE_URL is not set: run through `make bench`, which provides one.")
    create_database(base_url, DATABASE)
    print(f"bench/declarations: {args.invoices} invoices, database {DATABASE}", flush=True)
    prepared = _run("setup", args, base_url)
    imported = _run("import", args, base_url)
    declared = _run("declarations", args, base_url)
    ratio = declared["declarations_per_second"] / declared["baseline_inserts_per_second"]
    report = {
        "benchmark": "declarations",
        "invoices": args.invoices,
        "rounds": args.rounds,
        "seconds_per_round": args.seconds,
        "entity": prepared["entity"],
        "invoices_held": declared["invoices_held"],
        "filled_this_run": prepared.get("filled"),
        "declarations": declared,
        "declarations_vs_baseline_ratio": round(ratio, 3),
        "import": imported,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "declarations.json").write_text(json.dumps(report, indent=2))

    print(f"\ndeclarations in an entity holding {declared['invoices_held']} documents (invoices, funding agreements)")
    print(f"{'variant':34} {'per second':>11} {'vs baseline':>12}")
    print(f"{'baseline: plain-row ORM create()':34} {declared['baseline_inserts_per_second']:>11.1f} {1:>12.3f}")
    print(f"{'declare_performance':34} {declared['declarations_per_second']:>11.1f} {ratio:>12.3f}")
    print(f"statements per declaration: {declared['statements_per_declaration']:.1f}")
    print(f"\nbulk import (rolled back), {args.invoices} invoices")
    print(f"{'file':10} {'rows':>8} {'rows/s':>10} {'seconds':>8}", end="")
    print(f" {'validate':>9} {'write':>7} {'checks':>7} {'entries':>8}")
    for name, p in imported.items():
        print(
            f"{name:10} {p['rows']:>8} {p['rows_per_second']:>10.1f} {p['seconds']:>8.2f} {p['validate_seconds']:>9.2f}"
            f" {p['write_seconds']:>7.2f} {p['commit_checks_seconds']:>7.2f} {p['ledger_entries']:>8}"
        )
    print("(checks: the commit-time checks of the database, mostly each ledger entry's balance trigger)")
    if prepared.get("filled"):
        print(f"(filled {prepared['entity']} this run: {prepared['filled']['seconds']} s, committed)")
    print(f"written to {RESULTS / 'declarations.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
