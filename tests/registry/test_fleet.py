"""migrate_fleet: up-to-date schemas cost one query in all, a schema behind is migrated, a failure in
one schema (lock timeout) does not stop the others and a re-run completes."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command

from config.db import connection
from tenants.registry.fleet import TEMPLATE_SCHEMA, code_migrations, fleet_migrate, fleet_state
from tests.conftest import database_url

pytestmark = pytest.mark.django_db

# The ledger's three newest migrations, all safe to re-apply: choices (no SQL) and get_or_create of
# accounts; a column added IF NOT EXISTS and its idempotent backfill; a CREATE OR REPLACE FUNCTION.
LEDGER_BEHIND = [
    ("ledger", "0004_service_accounts"),
    ("ledger", "0005_line_activity_stage"),
    ("ledger", "0006_erasure_path"),
]
MISSING = tuple(f"{app}.{name}" for app, name in LEDGER_BEHIND)
FORGET = 'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s'
ADDED_ACCOUNT = "subsidy_advance_payable"


def _statements(action) -> tuple[Any, list[str]]:  # type: ignore[no-untyped-def]
    sent: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        result = action()
    return result, sent


def _put_behind(schema: str, *, with_data: bool = True) -> None:
    """Undo ledger 0004 in ``schema`` (inside the test's transaction): its row and one of its accounts."""
    with connection.cursor() as cursor:
        for record in LEDGER_BEHIND:
            cursor.execute(FORGET.format(schema=schema), record)
        if with_data:
            cursor.execute(f'DELETE FROM "{schema}".ledger_account WHERE kind = %s', [ADDED_ACCOUNT])


def _has_account(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{schema}".ledger_account WHERE kind = %s', [ADDED_ACCOUNT])
        return cursor.fetchone()[0] == 1


def test_up_to_date_fleet_is_one_query_and_migrates_nothing(group):
    report, sent = _statements(lambda: fleet_migrate(jobs=1))
    # (plus a SET search_path when an earlier test left the connection on an entity)
    reads = [sql for sql in sent if not sql.startswith("SET search_path")]
    assert len(reads) == 1, sent
    assert report.results == []
    schemas = {s.schema for s in fleet_state()}
    assert {p.entity.schema_name for p in group.all} | {TEMPLATE_SCHEMA} <= schemas
    assert report.checked == report.up_to_date == len(schemas)


def test_state_names_the_missing_migration(group):
    schema = group.books_eur.schema_name
    _put_behind(schema)
    (state,) = fleet_state(schemas=[schema])
    assert state.missing == MISSING
    assert not state.up_to_date
    others = [s for s in fleet_state() if s.schema != schema]
    assert all(s.up_to_date for s in others)


def test_schema_behind_is_migrated_and_only_it(group):
    schema = group.books_eur.schema_name
    _put_behind(schema)
    assert not _has_account(schema)
    report = fleet_migrate(jobs=1)
    assert [(r.schema, r.ok, r.applied) for r in report.results] == [(schema, True, len(LEDGER_BEHIND))]
    assert _has_account(schema)
    assert all(s.up_to_date for s in fleet_state())


def test_failure_in_one_schema_does_not_stop_the_others_and_a_rerun_completes(group):
    locked, other = group.books_eur.schema_name, group.books_huf.schema_name
    assert locked < other  # the failing schema comes first: the one after it must still be migrated
    # Another session holds the table ledger 0004 writes to (a long transaction, a backup...).
    blocker = psycopg.connect(database_url())
    try:
        blocker.execute("SET lock_timeout = '5s'")
        blocker.execute(f'LOCK TABLE "{locked}".ledger_account IN ACCESS EXCLUSIVE MODE')
        _put_behind(locked, with_data=False)  # its table is locked: only the record goes
        _put_behind(other)

        report = fleet_migrate(jobs=1, lock_timeout="200ms", schemas=[locked, other])
        by_schema = {r.schema: r for r in report.results}
        assert not by_schema[locked].ok
        assert "lock" in by_schema[locked].error.lower()
        assert by_schema[other].ok and by_schema[other].applied == len(LEDGER_BEHIND)
        assert _has_account(other)
        assert fleet_state(schemas=[locked])[0].missing == MISSING

        with pytest.raises(CommandError) as refused:
            call_command("migrate_fleet", "--jobs", "1", "--lock-timeout", "200ms", "--schema", locked, verbosity=0)
        assert refused.value.returncode == 1
        assert locked in str(refused.value)
    finally:
        blocker.close()  # the other session ends: its lock goes

    rerun = fleet_migrate(jobs=1, lock_timeout="2s", schemas=[locked, other])
    assert [(r.schema, r.ok, r.applied) for r in rerun.results] == [(locked, True, len(LEDGER_BEHIND))]
    assert _has_account(locked)
    assert all(s.up_to_date for s in fleet_state(schemas=[locked, other]))


def test_check_option_fails_when_a_schema_is_behind(group, capsys):
    call_command("migrate_fleet", "--check", verbosity=0)
    _put_behind(group.books_huf.schema_name)
    with pytest.raises(CommandError) as refused:
        call_command("migrate_fleet", "--check", verbosity=0)
    assert refused.value.returncode == 1
    assert f"{group.books_huf.schema_name}: behind: {' '.join(MISSING)}" in capsys.readouterr().out


def test_code_migrations_cover_every_app():
    names = code_migrations()
    assert "ledger.0004_service_accounts" in names
    assert "entities.0001_initial" in names  # shared apps are recorded in every schema too
    assert len(names) == len(set(names))


def test_the_command_in_parallel_processes_isolates_a_failure_and_resumes(group):
    """The real command, --jobs 2 (forked workers), on committed state: one schema's table is held by
    another session, the other schema is migrated, the exit status is 1; a re-run completes."""
    import subprocess
    import sys

    from tests.conftest import PROJECT_DIR, subprocess_env

    locked, other = group.books_eur.schema_name, group.books_huf.schema_name
    command = [sys.executable, str(PROJECT_DIR / "manage.py"), "migrate_fleet", "--jobs", "2", "-v", "1"]
    outside = psycopg.connect(database_url(), autocommit=True)
    blocker = psycopg.connect(database_url())
    try:
        for schema in (locked, other):
            for record in LEDGER_BEHIND:
                outside.execute(FORGET.format(schema=schema), record)
        blocker.execute(f'LOCK TABLE "{locked}".ledger_account IN ACCESS EXCLUSIVE MODE')
        run = subprocess.run(
            [*command, "--lock-timeout", "300ms"], env=subprocess_env(), capture_output=True, text=True, check=False
        )
        assert run.returncode == 1, run.stdout + run.stderr
        assert f"{locked}: FAILED" in run.stderr and "lock" in run.stderr.lower()
        assert f"{other}: {len(LEDGER_BEHIND)} migration(s)" in run.stdout
        blocker.rollback()  # the other session lets go
        rerun = subprocess.run(command, env=subprocess_env(), capture_output=True, text=True, check=False)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert f"{locked}: {len(LEDGER_BEHIND)} migration(s)" in rerun.stdout and other not in rerun.stdout
    finally:
        blocker.close()
        subprocess.run(command, env=subprocess_env(), capture_output=True, check=False)
        outside.close()
    assert all(s.up_to_date for s in fleet_state())
