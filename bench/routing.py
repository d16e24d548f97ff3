"""bench/routing: requests/s of a 3-query endpoint through the full tenant stack, against the same
endpoint on plain Django (and on stock django-tenants), measured in the same run.

    make bench                      # all benchmarks
    python bench/routing.py         # this one (needs DATABASE_URL; `make bench` sets it)

Each variant runs in its own process (their settings differ), alternating A/B/C rounds so machine
drift hits all of them alike; the median round counts. Requests go through Django's WSGI handler
in-process (no sockets), so the figure is the framework's own cost, routing included. Statements
per request are counted at the database wrapper.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT_DIR), str(PROJECT_DIR / "platform")]

from bench.common import create_database, rate, statements_per_call, with_database  # noqa: E402

RESULTS = PROJECT_DIR / "bench" / "results"
VARIANTS = {
    "plain": ("bench.settings_plain", "smart_bench_plain", "localhost"),
    "tenant": ("bench.settings_tenant", "smart_bench", "bench.localhost"),
    "stock": ("bench.settings_stock", "smart_bench", "bench.localhost"),
}
ROWS = 100


# --- inside one variant's process -----------------------------------------------------------------


def _setup(variant: str) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    from tenants.workspace.models import JobCheck

    if variant == "plain":
        call_command("migrate", verbosity=0)
        if JobCheck.objects.count() < ROWS:
            JobCheck.objects.bulk_create(JobCheck(requested_by=f"bench {i}") for i in range(ROWS))
        return
    from django_tenants.utils import tenant_context

    from tenants.registry.models import Entity
    from tenants.registry.services import entity_create

    call_command("migrate_schemas", shared=True, verbosity=0, interactive=False)
    entity = Entity.objects.filter(slug="bench").first()
    if entity is None:
        entity = entity_create(
            slug="bench",
            display_name="Bench",
            legal_name="Bench SC",
            country="BE",
            legal_form="SC",
            company_number="0403170701",
            currency="EUR",
            languages=["en"],
            default_language="en",
            staff_email="bench@bench.test",
        ).entity
    with tenant_context(entity):
        if JobCheck.objects.count() < ROWS:
            JobCheck.objects.bulk_create(JobCheck(requested_by=f"bench {i}") for i in range(ROWS))


def _measure(variant: str, seconds: float) -> dict[str, float]:
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    host = VARIANTS[variant][2]
    handler = WSGIHandler()
    environ_base: dict[str, Any] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/bench/three-queries/",
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "wsgi.url_scheme": "http",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        statuses.append(status)
        return None

    def call() -> None:
        environ = dict(environ_base)
        environ["wsgi.input"] = io.BytesIO(b"")
        environ["wsgi.errors"] = sys.stderr
        body = b"".join(handler(environ, start_response))  # type: ignore[arg-type]
        if not statuses[-1].startswith("200"):
            raise SystemExit(f"{variant}: {statuses[-1]} {body[:200]!r}")

    if variant == "tenant":
        from tenants.registry.routing import routing_cache

        routing_cache.wait_until_listening(10)
    for _ in range(200):  # warm-up: connection, caches, routing
        call()
    per_request = statements_per_call(call, 50)
    return {"rps": rate(call, seconds, batch=20), "statements_per_request": per_request}


# --- driver ---------------------------------------------------------------------------------------


def _run_variant(variant: str, mode: str, seconds: float, base_url: str) -> dict[str, float]:
    settings_module, db_name, _host = VARIANTS[variant]
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": with_database(base_url, db_name),
            "PYTHONPATH": os.pathsep.join([str(PROJECT_DIR), str(PROJECT_DIR / "platform")]),
            "PLATFORM_BASE_DOMAIN": "localhost",
        }
    )
    out = subprocess.run(
        [sys.executable, __file__, "--inner", variant, "--mode", mode, "--seconds", str(seconds)],
        env=env,
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"variant {variant} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inner", choices=list(VARIANTS))
    parser.add_argument("--mode", choices=["setup", "measure"], default="measure")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    if args.inner:
        if args.mode == "setup":
            _setup(args.inner)
            print(json.dumps({}))
        else:
            print(json.dumps(_measure(args.inner, args.seconds)))
        return 0

    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        raise SystemExit("DATABASE_URL is not set: run through `make bench`, which provides one.")
    for name in {db for _s, db, _h in VARIANTS.values()}:
        create_database(base_url, name)
    for variant in ("plain", "tenant"):  # stock shares the tenant database
        _run_variant(variant, "setup", 0, base_url)
    rounds: dict[str, list[dict[str, float]]] = {v: [] for v in VARIANTS}
    for _ in range(args.rounds):
        for variant in VARIANTS:
            rounds[variant].append(_run_variant(variant, "measure", args.seconds, base_url))
    summary = {
        v: {
            "rps": round(statistics.median(r["rps"] for r in runs), 1),
            "statements_per_request": statistics.median(r["statements_per_request"] for r in runs),
        }
        for v, runs in rounds.items()
    }
    plain = summary["plain"]
    report = {
        "benchmark": "routing",
        "rounds": args.rounds,
        "seconds_per_round": args.seconds,
        "variants": summary,
        "tenant_vs_plain_rps_ratio": round(summary["tenant"]["rps"] / plain["rps"], 3),
        "stock_vs_plain_rps_ratio": round(summary["stock"]["rps"] / plain["rps"], 3),
        "tenant_extra_statements": summary["tenant"]["statements_per_request"] - plain["statements_per_request"],
        "stock_extra_statements": summary["stock"]["statements_per_request"] - plain["statements_per_request"],
        "goal": "tenant >= 0.90 x plain requests/s, at most 1 extra statement per request",
    }
    report["goal_met"] = report["tenant_vs_plain_rps_ratio"] >= 0.90 and report["tenant_extra_statements"] <= 1
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "routing.json").write_text(json.dumps(report, indent=2))
    print(f"{'variant':10} {'req/s':>10} {'statements/req':>15} {'vs plain':>9}")
    for variant, figures in summary.items():
        ratio = figures["rps"] / plain["rps"]
        print(f"{variant:10} {figures['rps']:>10.1f} {figures['statements_per_request']:>15.1f} {ratio:>9.3f}")
    print(f"goal ({report['goal']}): {'met' if report['goal_met'] else 'NOT met'}")
    print(f"written to {RESULTS / 'routing.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
