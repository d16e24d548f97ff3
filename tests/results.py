"""Write ``docs/results.md``: the figures of the hardening checks, from what the last test run left in
``var/results/*.json`` (the isolation matrix, the API fuzzing, the fault injection when present).

    .venv/bin/python tests/results.py            # after `make test`; `.ci/run` does it after each run
    .venv/bin/python tests/results.py --print    # to the standard output only
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
RESULTS = PROJECT_DIR / "var" / "results"
PAGE = PROJECT_DIR / "docs" / "results.md"

SECTIONS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "isolation.json",
        "Isolation matrix (`tests/security/`)",
        [
            ("entity_urls", "entity URLs probed (every parameter filled with the ids of every entity)"),
            ("entity_pairs", "ordered pairs of entities"),
            ("entity_write_requests", "write requests (POST, PUT, PATCH, DELETE) on an entity's URLs"),
            ("group_urls", "group-domain URLs probed"),
            ("group_requests_anonymous", "group-domain requests, anonymous"),
            ("group_requests_entity_staff", "group-domain requests, an entity's staff session"),
            ("group_requests_outsider", "group-domain requests, a group user without role or team"),
            ("team_requests", "requests of each service team on the other teams' pages"),
            ("partner_urls", "partner API URLs probed with another partner's key"),
            ("partner_requests", "partner API requests with another partner's key"),
            ("openapi_paths_entity", "documented paths of the entity API, all routed"),
            ("openapi_paths_federation", "documented paths of the federation API, all routed"),
            ("openapi_paths_partner", "documented paths of the partner API, all routed"),
            ("leaks_found", "leaks found (canaries of another entity or partner in a response)"),
        ],
    ),
    ("fuzz.json", "API fuzzing (`tests/security/test_fuzz.py`)", []),
    (
        "privacy.json",
        "Erasure and the after-erasure scan (`tests/privacy/test_erasure.py`)",
        [
            ("schemas_scanned", "schemas scanned (every entity, the template, public)"),
            ("tables_scanned", "tables scanned (audit trails and admin logs included)"),
            ("columns_scanned", "text, JSON and text-array columns scanned"),
            ("files_scanned", "stored files scanned"),
            ("values_searched", "values of the person searched (names, contact data, free texts)"),
            ("rows_changed", "rows pseudonymised"),
            ("rows_retained", "rows kept by a retention rule"),
            ("found_in_retained_records", "places the person is still found, all retained records or their audit"),
            ("found_elsewhere", "places found outside retained records"),
            ("other_persons_rows_changed", "rows of other people changed"),
            ("unbalanced_ledgers", "entities whose ledger is unbalanced after the erasure"),
        ],
    ),
    (
        "faults.json",
        "Fault injection (`tests/faults/`, `tests/guarantee/test_exactly_once.py`)",
        [
            ("payout_worker_killed", "workers killed (SIGKILL) in the middle of a guarantee payout"),
            ("payouts_lost", "payouts lost"),
            ("payouts_doubled", "payouts made twice"),
            ("drain_worker_killed", "workers killed (SIGKILL) in the middle of a consolidation drain"),
            ("drain_events", "ledger events waiting when the drain was killed"),
            ("drain_events_lost", "events lost"),
            ("drain_events_counted_twice", "events counted twice"),
            ("drain_seconds_to_recover", "seconds from the restart to figures reconciling to the cent"),
            ("webhook_worker_killed", "workers killed (SIGKILL) after a webhook's POST, before its commit"),
            ("webhook_deliveries_lost", "webhook deliveries lost"),
            ("webhook_sent_again_after_kill", "events the partner received again after the kill (same event id)"),
            ("webhook_sent_after_success", "sends after the delivery succeeded (a replayed message included)"),
            ("webhook_seconds_to_recover", "seconds from the restart to the delivery recorded as succeeded"),
            ("warm_shutdown_batch", "payouts in the batch whose worker got SIGTERM (warm shutdown) mid-payout"),
            ("warm_shutdown_done_before_sigterm", "payouts done before the SIGTERM"),
            ("warm_shutdown_running_finished", "payouts the warm worker finished after the SIGTERM (the running one)"),
            ("warm_shutdown_messages_left_in_queue", "messages left queued for the next worker (none held unacked)"),
            ("warm_shutdown_seconds_to_exit", "seconds from the SIGTERM to the worker's exit"),
            ("warm_shutdown_payouts_lost", "payouts lost"),
            ("warm_shutdown_payouts_doubled", "payouts made twice"),
            ("warm_shutdown_seconds_to_recover", "seconds from the new worker's start to the whole batch paid"),
            ("warm_shutdown_prefork_batch", "the same with a prefork worker of two processes: payouts in the batch"),
            ("warm_shutdown_prefork_done_before_sigterm", "payouts done before the SIGTERM (prefork)"),
            ("warm_shutdown_prefork_running_finished", "payouts the warm prefork worker finished (the running ones)"),
            ("warm_shutdown_prefork_messages_left_in_queue", "messages left queued for the next worker (prefork)"),
            ("warm_shutdown_prefork_seconds_to_exit", "seconds from the SIGTERM to the prefork worker's exit"),
            ("warm_shutdown_prefork_payouts_lost", "payouts lost (prefork)"),
            ("warm_shutdown_prefork_payouts_doubled", "payouts made twice (prefork)"),
            (
                "warm_shutdown_prefork_seconds_to_recover",
                "seconds from the new worker's start to the whole batch paid (prefork)",
            ),
            ("broker_outage_seconds", "seconds the broker (and the cache on its server) was stopped under load"),
            ("broker_requests_total", "web requests (declarations, wage payments) during the test"),
            ("broker_requests_during_outage", "web requests made while the broker was down"),
            ("broker_requests_failed", "web requests failed"),
            ("broker_slowest_request_during_outage_seconds", "slowest request while the broker was down (seconds)"),
            ("broker_wage_requests", "wage payments asked"),
            ("broker_payouts_decided", "fund advances decided (each sends its payout on commit)"),
            ("broker_payouts_paid_from_activity_cash", "decisions cancelled at execution (no client paid: must be 0)"),
            ("broker_payouts_lost", "payouts lost"),
            ("broker_payouts_doubled", "payouts made twice"),
            ("broker_ledger_events_lost", "ledger events never in the group's figures"),
            ("broker_seconds_from_restart_to_all_processed", "seconds from the broker restart to all processed"),
            ("pg_restarts", "PostgreSQL restarts (pg_ctl restart -m fast) under concurrent traffic"),
            ("pg_requests_total", "web requests during the test (API writes and reads, pages)"),
            ("pg_requests_during_restart", "requests made from the restart to the first success after it"),
            ("pg_requests_failed", "requests failed"),
            ("pg_requests_failed_by_status", "requests failed, by status"),
            ("pg_requests_500", "answers 500"),
            ("pg_requests_failed_not_clean_503", "failures other than a clean 503 (database_unavailable)"),
            ("pg_requests_failed_after_server_ready", "failures after PostgreSQL was ready again"),
            ("pg_writes", "write requests (each with its own unique key)"),
            ("pg_writes_acknowledged_but_missing", "writes answered 2xx but missing from the database"),
            ("pg_writes_failed_but_written", "writes answered with an error but present in the database"),
            ("pg_restart_seconds", "seconds pg_ctl took to restart the server"),
            ("pg_seconds_to_recover", "seconds from the restart to requests succeeding again"),
            ("pg_web_workers_restarted", "web workers restarted (recovery without restarting the web process)"),
        ],
    ),
]


def _rows(figures: dict[str, Any], labels: list[tuple[str, str]]) -> list[str]:
    known = dict(labels)
    keys = [key for key, _ in labels if key in figures] + sorted(k for k in figures if k not in known)
    return [f"| {known.get(key, key)} | {figures[key]} |" for key in keys]


def _fuzz(figures: dict[str, Any]) -> list[str]:
    totals = figures.get("totals", {})
    lines = [
        f"Schemathesis {figures.get('schemathesis', '?')}, seed {figures.get('seed', '?')}, at most "
        f"{figures.get('max_examples_per_operation_and_mode', '?')} examples per operation and mode "
        f"({', '.join(figures.get('modes', []))}). Totals: {totals.get('operations_x_roles', 0)} operation x role "
        f"runs, {totals.get('examples', 0)} examples, {totals.get('responses_4xx_checked', 0)} 4xx checked, "
        f"**{totals.get('responses_5xx', 0)} 5xx**, **{totals.get('findings', 0)} findings**.",
        "",
        "| Schema | Role | Operations | Examples | Statuses | 4xx checked | Valid writes accepted | 5xx | Findings |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for run in figures.get("runs", []):
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(run.get("statuses", {}).items()))
        lines.append(
            f"| {run['schema']} | {run['role']} | {run['operations']} | {run['examples']} | {statuses} | "
            f"{run['responses_4xx_checked']} | {run.get('writes_accepted', '-')} | {run['responses_5xx']} | "
            f"{len(run['findings'])} |"
        )
    return [*lines, ""]


def render() -> str:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Results of the hardening checks",
        "",
        f"Generated by `tests/results.py` on {stamp} (Python {sys.version.split()[0]}) from the figures",
        "the last test run wrote to `var/results/`. `.ci/run` regenerates this page after each of its two",
        "test runs and prints it in its log; the committed copy comes from the last full run on a",
        "developer's machine.",
        "",
    ]
    for filename, title, labels in SECTIONS:
        path = RESULTS / filename
        lines += [f"## {title}", ""]
        if not path.exists():
            lines += ["Not measured in this run.", ""]
            continue
        figures = json.loads(path.read_text())
        if filename == "fuzz.json":
            lines += _fuzz(figures)
            continue
        lines += ["| Check | Figure |", "|---|---|", *_rows(figures, labels), ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--print", action="store_true", help="print only, do not write docs/results.md")
    args = parser.parse_args()
    page = render()
    if not args.print:
        PAGE.write_text(page + "\n")
    sys.stdout.write(page + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
