"""Fleet migrations: every entity schema (and the template ``_entity_template``) migrated from one place.

* ``fleet_state()`` reads, with ONE query, which of the code's migrations each schema is missing:
  the list of schemas comes from the registry joined to ``pg_namespace``/``pg_class`` (a schema or
  its ``django_migrations`` table may not exist yet), and each schema's own ``django_migrations`` is
  read by the PL/pgSQL function ``platform_migrations_diff`` inside that same statement. Up-to-date
  schemas are never handed to Django's ``migrate`` (which costs about 130 ms per schema even with nothing to do).
* ``fleet_migrate()`` migrates the schemas that are behind, in parallel worker processes
  (``jobs``), each with ``SET lock_timeout`` so that a migration waiting on a busy table fails fast
  instead of queueing every query of that entity behind it. A failure is reported and the others
  go on; re-running starts again from the state the query reads, so it resumes where it stopped
  (each Django migration is its own transaction: a schema is never left half-way through one).
"""

from __future__ import annotations

import functools
import multiprocessing
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from config.db import connection

TEMPLATE_SCHEMA = "_entity_template"


@dataclass(frozen=True)
class SchemaState:
    schema: str
    exists: bool  # the schema and its django_migrations table exist
    missing: tuple[str, ...]  # "app.name" of code migrations not applied there
    extra: tuple[str, ...] = ()  # applied there, unknown to the code (code rolled back?)

    @property
    def up_to_date(self) -> bool:
        return self.exists and not self.missing


@dataclass
class SchemaResult:
    schema: str
    ok: bool
    applied: int = 0
    seconds: float = 0.0
    error: str = ""


@dataclass
class FleetReport:
    checked: int = 0
    up_to_date: int = 0
    results: list[SchemaResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[SchemaResult]:
        return [r for r in self.results if not r.ok]


@functools.cache
def _graph_nodes() -> tuple[str, ...]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return tuple(sorted(f"{app}.{name}" for app, name in loader.graph.nodes))


def code_migrations() -> list[str]:
    """Every migration of the code ("app.name"), as Django records them in django_migrations.

    Every app's migrations are recorded in every schema (the router only turns the operations of
    non-tenant apps into no-ops), so an entity schema is up to date when all of them are there."""
    return list(_graph_nodes())


# One statement: for each schema of the registry (plus the template, which always belongs to the
# fleet), the code migrations missing from its django_migrations and those it has that the code
# does not know; NULL when the schema or its table does not exist. The per-schema read runs inside
# this same statement through platform_migrations_diff (registry migration 0005, PL/pgSQL).
_STATE_SQL = """
WITH schemas AS (
    SELECT schema_name FROM {entity_table}
    UNION SELECT %(template)s
)
SELECT s.schema_name,
       c.oid IS NOT NULL AS has_table,
       d.missing,
       d.extra
FROM schemas s
LEFT JOIN pg_namespace n ON n.nspname = s.schema_name
LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'django_migrations' AND c.relkind = 'r'
CROSS JOIN LATERAL public.platform_migrations_diff(s.schema_name, %(expected)s::text[]) AS d
WHERE s.schema_name <> 'public'
ORDER BY s.schema_name
"""


def _pg_array(values: Iterable[str]) -> str:
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def fleet_state(*, expected: list[str] | None = None, schemas: Iterable[str] | None = None) -> list[SchemaState]:
    """The migration state of every entity schema and of the template, in one query."""
    from .models import Entity

    expected = code_migrations() if expected is None else expected
    sql = _STATE_SQL.format(entity_table=connection.ops.quote_name(Entity._meta.db_table))
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(sql, {"template": TEMPLATE_SCHEMA, "expected": _pg_array(expected)})
        rows = cursor.fetchall()
    wanted = set(schemas) if schemas is not None else None
    states = []
    for schema, has_table, missing, extra in rows:
        if wanted is not None and schema not in wanted:
            continue
        states.append(
            SchemaState(
                schema=schema,
                exists=bool(has_table),
                missing=tuple((missing or "").split()) if has_table else tuple(expected),
                extra=tuple((extra or "").split()),
            )
        )
    return states


def template_state(*, expected: list[str] | None = None) -> SchemaState | None:
    """The template's migration state (None when there is no template yet)."""
    expected = code_migrations() if expected is None else expected
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass(%s) IS NOT NULL, EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)",
            [f'"{TEMPLATE_SCHEMA}".django_migrations', TEMPLATE_SCHEMA],
        )
        has_table, has_schema = cursor.fetchone()
        if not has_schema:
            return None
        if not has_table:
            return SchemaState(TEMPLATE_SCHEMA, exists=False, missing=tuple(expected))
        cursor.execute(f"SELECT app || '.' || name FROM \"{TEMPLATE_SCHEMA}\".django_migrations")  # noqa: S608
        applied = {row[0] for row in cursor.fetchall()}
    return SchemaState(
        TEMPLATE_SCHEMA,
        exists=True,
        missing=tuple(sorted(set(expected) - applied)),
        extra=tuple(sorted(applied - set(expected))),
    )


def schema_migrate(schema: str, *, lock_timeout: str = "5s", verbosity: int = 0) -> int:
    """Run Django's migrations in one schema (created if missing), with a lock timeout. Returns the
    number of migrations applied."""
    from django.core.management import call_command
    from django.core.management.commands.migrate import Command as MigrateCommand

    quoted = connection.ops.quote_name(schema)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
    # The recorder must find (or create) django_migrations in this schema, never public's.
    connection.set_schema(schema, include_public=False)
    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    before = len(recorder.applied_migrations())
    connection.set_schema(schema)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, false)", [lock_timeout])
    try:
        call_command(MigrateCommand(), interactive=False, verbosity=verbosity, skip_checks=True)
        return len(MigrationRecorder(connection).applied_migrations()) - before
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('lock_timeout', '0', false)")
        except Exception:  # noqa: S110 - the connection may be broken after the failure
            pass
        connection.set_schema_to_public()


def _migrate_one(schema: str, lock_timeout: str, verbosity: int) -> SchemaResult:
    started = time.perf_counter()
    try:
        applied = schema_migrate(schema, lock_timeout=lock_timeout, verbosity=verbosity)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}".strip().splitlines()[0]
        return SchemaResult(schema, ok=False, seconds=time.perf_counter() - started, error=message)
    return SchemaResult(schema, ok=True, applied=applied, seconds=time.perf_counter() - started)


def _child_migrate(schema: str, lock_timeout: str, verbosity: int) -> SchemaResult:
    """In a worker process: its own database connection (the parent's was closed before forking),
    kept from one schema to the next (closed on a failure, which may have broken it)."""
    result = _migrate_one(schema, lock_timeout, verbosity)
    if not result.ok:
        connections.close_all()
    return result


def fleet_migrate(
    *,
    jobs: int = 2,
    lock_timeout: str = "5s",
    schemas: Iterable[str] | None = None,
    verbosity: int = 0,
    on_result: Callable[[SchemaResult], None] | None = None,
) -> FleetReport:
    """Migrate every schema that is behind (the template first), ``jobs`` at a time."""
    started = time.perf_counter()
    states = fleet_state(schemas=schemas)
    report = FleetReport(checked=len(states), up_to_date=sum(s.up_to_date for s in states))
    behind = [s.schema for s in states if not s.up_to_date]
    # The template first: new entities are cloned from it, so it must never lag behind them.
    behind.sort(key=lambda name: (name != TEMPLATE_SCHEMA, name))

    def record(result: SchemaResult) -> None:
        report.results.append(result)
        if on_result:
            on_result(result)

    if jobs <= 1 or len(behind) <= 1:
        for schema in behind:
            record(_migrate_one(schema, lock_timeout, verbosity))
    elif behind:
        if behind[0] == TEMPLATE_SCHEMA:
            record(_migrate_one(behind.pop(0), lock_timeout, verbosity))
        connections.close_all()  # children must not share the parent's socket
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = {pool.submit(_child_migrate, s, lock_timeout, verbosity): s for s in behind}
            for future in as_completed(futures):
                try:
                    record(future.result())
                except Exception as exc:
                    record(SchemaResult(futures[future], ok=False, error=f"{type(exc).__name__}: {exc}"))
    report.seconds = time.perf_counter() - started
    return report
