"""bench/tenancy: tenancy at scale, every figure against its baseline measured in the same run.

    make bench BENCH_ARGS="--only tenancy"            # N = 200 entities
    make bench BENCH_ARGS="--only tenancy --quick"    # N = 20, fewer rounds

* provisioning of one entity schema: the template clone (``registry.template.schema_clone``) against
  running every migration, django-tenants' clone path (its clone_schema function + a faked
  ``migrate_schemas``) and the DDL floor (``CREATE TABLE ... LIKE ... INCLUDING ALL`` for every table);
  plus the whole ``entity_create`` (registry row, schema, provisioners, domain, staff user) both ways;
* fleet over N entity schemas: a no-op ``migrate_fleet`` against a no-op stock ``migrate_schemas``,
  then one additive migration (a tenant app present only in the second settings) both ways;
* backend memory of one connection after touching every table of every entity
  (``pg_backend_memory_contexts`` and the backend's RSS from /proc);
* requests/s with routing against plain Django: bench/routing.py, run from here.

Everything runs in its own database (``smart_bench_tenancy``); the N entities stay for the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "platform")]

from bench.common import create_database, with_database  # noqa: E402

RESULTS = PROJECT_DIR / "bench" / "results"
DB_NAME = "smart_bench_tenancy"
SETTINGS = "bench.settings_tenancy"
SPEC: dict[str, Any] = {
    "display_name": "Bench",
    "legal_name": "Bench SC",
    "country": "BE",
    "legal_form": "SC",
    "company_number": "0403170701",
    "currency": "EUR",
    "languages": ["en"],
    "default_language": "en",
    "staff_password": "bench-password-1",
}


def _env(base_url: str, fleet_app: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": with_database(base_url, DB_NAME),
            "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR), str(PROJECT_DIR / "platform")]),
            "PLATFORM_BASE_DOMAIN": "localhost",
            "BENCH_FLEET_APP": "1" if fleet_app else "0",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str, check: bool = True) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), *args],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if check and out.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
    return seconds, out.stdout + out.stderr


def _inner(env: dict[str, str], mode: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--inner", mode, *args],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"inner {mode} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- inside a Django process ----------------------------------------------------------------------


def _setup_django() -> None:
    import django

    django.setup()


def _drop(schema: str) -> None:
    from config.db import connection

    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _timed(action: Any) -> float:
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        action()
    return time.perf_counter() - started


def inner_provision(rounds: int) -> dict[str, Any]:
    _setup_django()
    from django.core.management import call_command
    from django.db import transaction
    from django_tenants.clone import CloneSchema

    from config.db import connection
    from tenants.registry.fleet import TEMPLATE_SCHEMA, schema_migrate
    from tenants.registry.services import entity_create_from
    from tenants.registry.template import schema_clone, template_ensure

    template_ensure()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [TEMPLATE_SCHEMA])
        tables = cursor.fetchone()[0]
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [TEMPLATE_SCHEMA])
        table_names = [row[0] for row in cursor.fetchall()]

    def floor(schema: str) -> None:
        script = [f'CREATE SCHEMA "{schema}"'] + [
            f'CREATE TABLE "{schema}"."{t}" (LIKE "{TEMPLATE_SCHEMA}"."{t}" INCLUDING ALL)' for t in table_names
        ]
        with connection.cursor() as cursor:
            cursor.execute(";\n".join(script))

    def migrations(schema: str) -> None:
        schema_migrate(schema, lock_timeout="0")

    def django_tenants_clone(schema: str) -> None:
        CloneSchema().clone_schema(TEMPLATE_SCHEMA, schema, "DATA")
        call_command("migrate_schemas", tenant=True, fake=True, schema_name=schema, interactive=False, verbosity=0)

    paths = {
        "ddl_floor": floor,
        "template_clone": schema_clone,
        "django_tenants_clone": django_tenants_clone,
        "migrations": migrations,
    }
    times: dict[str, list[float]] = {name: [] for name in paths}
    CloneSchema().clone_schema(TEMPLATE_SCHEMA, "bench_warm", "DATA")  # installs its SQL function once
    _drop("bench_warm")
    for round_ in range(rounds):
        for name, action in paths.items():  # alternating, so drift hits every path alike
            schema = f"bench_p_{name}_{round_}"
            _drop(schema)
            if name == "migrations":  # schema_migrate manages its own transactions
                started = time.perf_counter()
                action(schema)
                times[name].append(time.perf_counter() - started)
            else:
                times[name].append(_timed(lambda a=action, s=schema: a(s)))
            _drop(schema)

    entity_times: dict[str, list[float]] = {"template": [], "migrations": []}
    for round_ in range(rounds):
        for how in entity_times:
            started = time.perf_counter()
            with transaction.atomic():
                entity_create_from(how, slug=f"bench-prov-{round_}", staff_email="s@bench.test", **SPEC)
                entity_times[how].append(time.perf_counter() - started)
                transaction.set_rollback(True)
            connection.set_schema_to_public()
    median = {name: statistics.median(values) for name, values in times.items()}
    entity_median = {how: statistics.median(values) for how, values in entity_times.items()}
    return {
        "tables": tables,
        "rounds": rounds,
        "schema_seconds": {k: round(v, 4) for k, v in median.items()},
        "entity_create_seconds": {k: round(v, 4) for k, v in entity_median.items()},
        "template_vs_floor": round(median["template_clone"] / median["ddl_floor"], 2),
        "entity_create_vs_floor": round(entity_median["template"] / median["ddl_floor"], 2),
        "template_vs_django_tenants_clone": round(median["template_clone"] / median["django_tenants_clone"], 3),
        "template_vs_migrations": round(median["template_clone"] / median["migrations"], 3),
    }


def inner_fleet_setup(count: int) -> dict[str, Any]:
    """N entities (registry rows + cloned schemas), committed; those of an earlier run are kept."""
    _setup_django()
    from django.db import transaction

    from tenants.registry.models import Domain, Entity
    from tenants.registry.template import schema_clone, template_ensure

    template_ensure()
    existing = set(Entity.objects.filter(slug__startswith="fleet-").values_list("slug", flat=True))
    started = time.perf_counter()
    made = 0
    for i in range(count):
        slug = f"fleet-{i:04d}"
        if slug in existing:
            continue
        with transaction.atomic():
            entity = Entity(
                schema_name=f"e_fleet_{i:04d}", slug=slug, **{k: v for k, v in SPEC.items() if k != "staff_password"}
            )
            entity.auto_create_schema = False
            entity.save(verbosity=0)
            Domain.objects.create(domain=f"{slug}.localhost", tenant=entity, is_primary=True)
            schema_clone(entity.schema_name)
        made += 1
    return {"created": made, "seconds": round(time.perf_counter() - started, 2)}


def inner_fleet_undo() -> dict[str, Any]:
    """Roll the additive migration back everywhere (so that the next step, or run, starts behind it)."""
    _setup_django()
    from config.db import connection
    from tenants.registry.fleet import TEMPLATE_SCHEMA
    from tenants.registry.models import Entity

    schemas = [*Entity.objects.values_list("schema_name", flat=True), TEMPLATE_SCHEMA]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND n.nspname = ANY(%s)",
            [schemas],
        )
        schemas = [row[0] for row in cursor.fetchall()]
    statements = ["SELECT 1"]
    for schema in schemas:
        s = f'"{schema}"'
        statements += [
            f"DROP TABLE IF EXISTS {s}.bench_fleet_note",
            f"DELETE FROM {s}.django_migrations WHERE app = 'bench_fleet'",  # noqa: S608
            f"DELETE FROM {s}.auth_permission WHERE content_type_id IN "  # noqa: S608
            f"(SELECT id FROM {s}.django_content_type WHERE app_label = 'bench_fleet')",
            f"DELETE FROM {s}.django_content_type WHERE app_label = 'bench_fleet'",  # noqa: S608
        ]
    with connection.cursor() as cursor:
        cursor.execute(";\n".join(statements))
    return {"schemas": len(schemas)}


def inner_memory() -> dict[str, Any]:
    """One connection reads every table of every entity; what does its backend hold?"""
    _setup_django()
    from config.db import connection
    from tenants.registry.fleet import TEMPLATE_SCHEMA
    from tenants.registry.models import Entity

    def backend() -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT sum(total_bytes)::bigint FROM pg_backend_memory_contexts")
            total = int(cursor.fetchone()[0])
            cursor.execute(  # the relation/catalog caches: the part that grows with every table touched
                "SELECT coalesce(sum(total_bytes), 0)::bigint FROM pg_backend_memory_contexts "
                "WHERE name IN ('CacheMemoryContext', 'index info') OR parent = 'CacheMemoryContext'"
            )
            cache = int(cursor.fetchone()[0])
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        rss = -1
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
        except OSError:
            pass
        return {"context_bytes": total, "cache_bytes": cache, "rss_bytes": rss}

    connection.close()
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [TEMPLATE_SCHEMA])
        tables = [row[0] for row in cursor.fetchall()]
    before = backend()
    schemas = list(Entity.objects.values_list("schema_name", flat=True))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(";".join(f'SELECT 1 FROM "{schema}"."{t}" LIMIT 1' for t in tables))  # noqa: S608
    seconds = time.perf_counter() - started
    after = backend()
    connection.close()
    return {
        "entities": len(schemas),
        "tables_touched": len(schemas) * len(tables),
        "seconds": round(seconds, 2),
        "fresh": before,
        "after": after,
    }


# --- driver ---------------------------------------------------------------------------------------


def _fleet_seconds(output: str) -> float | None:
    found = re.search(r"failed, ([0-9.]+) s", output)
    return float(found.group(1)) if found else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inner", choices=["provision", "fleet-setup", "fleet-undo", "memory"])
    parser.add_argument("--quick", action="store_true", help="20 entities, 3 rounds, short routing run")
    parser.add_argument("--entities", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--seconds", type=float, default=None, help="per routing round")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--skip-routing", action="store_true")
    parser.add_argument("value", nargs="?")
    args, _unknown = parser.parse_known_args()  # options of other benchmarks (make bench passes them all)

    if args.inner:
        result = {
            "provision": lambda: inner_provision(int(args.value)),
            "fleet-setup": lambda: inner_fleet_setup(int(args.value)),
            "fleet-undo": inner_fleet_undo,
            "memory": inner_memory,
        }[args.inner]()
        print(json.dumps(result))
        return 0

    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        raise SystemExit("DATABASE_URL is not set: run through `make bench`, which provides one.")
    entities = args.entities or (20 if args.quick else 200)
    rounds = args.rounds or (3 if args.quick else 5)
    env, env_more = _env(base_url), _env(base_url, fleet_app=True)
    create_database(base_url, DB_NAME)
    _manage(env, "migrate_schemas", "--shared", "-v", "0")
    _inner(env, "fleet-undo")  # an interrupted earlier run may have left the additive migration
    _manage(env, "migrate_fleet", "-v", "0")
    report: dict[str, Any] = {"benchmark": "tenancy", "entities": entities, "jobs": args.jobs}

    print("· provisioning", flush=True)
    report["provisioning"] = _inner(env, "provision", str(rounds))

    print(f"· fleet of {entities} entities", flush=True)
    report["fleet_setup"] = _inner(env, "fleet-setup", str(entities))
    jobs = str(args.jobs)
    noop_wall, out = _manage(env, "migrate_fleet", "--jobs", jobs, "-v", "1")
    stock_noop_wall, _ = _manage(
        env, "migrate_schemas", "--tenant", "--executor", "multiprocessing", "-v", "0", "--skip-checks"
    )
    add_wall, add_out = _manage(env_more, "migrate_fleet", "--jobs", jobs, "-v", "1")
    _inner(env, "fleet-undo")
    stock_add_wall, _ = _manage(
        env_more, "migrate_schemas", "--tenant", "--executor", "multiprocessing", "-v", "0", "--skip-checks"
    )
    _inner(env, "fleet-undo")
    report["fleet"] = {
        "noop_migrate_fleet_wall_seconds": round(noop_wall, 2),
        "noop_migrate_fleet_inside_seconds": _fleet_seconds(out),
        "noop_stock_migrate_schemas_wall_seconds": round(stock_noop_wall, 2),
        "additive_migrate_fleet_wall_seconds": round(add_wall, 2),
        "additive_migrate_fleet_inside_seconds": _fleet_seconds(add_out),
        "additive_stock_migrate_schemas_wall_seconds": round(stock_add_wall, 2),
        "noop_speedup": round(stock_noop_wall / noop_wall, 1),
        "additive_speedup": round(stock_add_wall / add_wall, 2),
    }

    print("· backend memory", flush=True)
    report["memory"] = _inner(env, "memory")

    if not args.skip_routing:
        print("· routing (bench/routing.py)", flush=True)
        routing_args = [
            "--rounds",
            str(1 if args.quick else 3),
            "--seconds",
            str(args.seconds or (1 if args.quick else 3)),
        ]
        subprocess.run([sys.executable, str(PROJECT_DIR / "bench" / "routing.py"), *routing_args], check=True)
        routing = json.loads((RESULTS / "routing.json").read_text())
        report["routing"] = {
            "tenant_vs_plain_rps_ratio": routing["tenant_vs_plain_rps_ratio"],
            "stock_vs_plain_rps_ratio": routing["stock_vs_plain_rps_ratio"],
            "variants": routing["variants"],
        }

    p = report["provisioning"]
    f = report["fleet"]
    goals = {
        "template clone <= 3x DDL floor": p["template_vs_floor"] <= 3,
        "template clone faster than django-tenants clone": p["template_vs_django_tenants_clone"] < 1,
        f"no-op fleet over {entities} entities <= 3 s": f["noop_migrate_fleet_wall_seconds"] <= 3,
    }
    if "routing" in report:
        goals["routing >= 0.90 x plain"] = report["routing"]["tenant_vs_plain_rps_ratio"] >= 0.90
    report["goals"] = goals
    report["goal_met"] = all(goals.values())
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tenancy.json").write_text(json.dumps(report, indent=2))

    print(f"\nprovisioning one entity schema ({p['tables']} tables, median of {p['rounds']}):")
    floor = p["schema_seconds"]["ddl_floor"]
    for name, seconds in p["schema_seconds"].items():
        print(f"  {name:22} {seconds * 1000:8.1f} ms  {seconds / floor:5.2f} x floor")
    for how, seconds in p["entity_create_seconds"].items():
        print(f"  entity_create/{how:8} {seconds * 1000:8.1f} ms  {seconds / floor:5.2f} x floor  (whole entity)")
    print(f"fleet of {entities} schemas (jobs {args.jobs}), wall time of the command:")
    print(
        f"  no-op      migrate_fleet {f['noop_migrate_fleet_wall_seconds']:6.2f} s "
        f"(inside {f['noop_migrate_fleet_inside_seconds']} s)   stock migrate_schemas "
        f"{f['noop_stock_migrate_schemas_wall_seconds']:6.2f} s"
    )
    print(
        f"  additive   migrate_fleet {f['additive_migrate_fleet_wall_seconds']:6.2f} s   stock migrate_schemas "
        f"{f['additive_stock_migrate_schemas_wall_seconds']:6.2f} s"
    )
    m = report["memory"]
    print(
        f"backend memory after {m['tables_touched']} tables of {m['entities']} entities: contexts "
        f"{m['fresh']['context_bytes'] / 2**20:.1f} -> {m['after']['context_bytes'] / 2**20:.1f} MiB, "
        f"RSS {m['fresh']['rss_bytes'] / 2**20:.1f} -> {m['after']['rss_bytes'] / 2**20:.1f} MiB"
    )
    if "routing" in report:
        print(f"routing: tenant {report['routing']['tenant_vs_plain_rps_ratio']:.3f} x plain requests/s")
    for goal, met in goals.items():
        print(f"  [{'met' if met else 'NOT met'}] {goal}")
    print(f"written to {RESULTS / 'tenancy.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
