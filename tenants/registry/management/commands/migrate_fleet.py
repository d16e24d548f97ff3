"""Migrate every entity schema and the template: one query finds those behind, the others are skipped.

    manage.py migrate_fleet [--jobs 2] [--lock-timeout 5s] [--schema e_x ...] [--check]

Run ``migrate_schemas --shared`` (the public schema) first, then this. Exit status 1 when any schema
failed (the others are migrated all the same); running it again resumes with the schemas still behind.
``--check`` migrates nothing and exits 1 when any schema (the template included) is behind.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tenants.registry.fleet import SchemaResult, fleet_migrate, fleet_state


class Command(BaseCommand):
    help = "Migrate every entity schema (and the template) that is behind, in parallel."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
        parser.add_argument("--lock-timeout", default="5s", help="PostgreSQL lock_timeout per schema (default 5s)")
        parser.add_argument("--schema", action="append", dest="schemas", help="only this schema (repeatable)")
        parser.add_argument("--check", action="store_true", help="migrate nothing; exit 1 if any schema is behind")

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = int(options["verbosity"])
        if options["check"]:
            states = fleet_state(schemas=options["schemas"])
            stale = [s for s in states if not s.up_to_date or s.extra]
            for state in stale:
                detail = " ".join(state.missing) if state.exists else "no django_migrations table"
                if state.extra:
                    detail += f" (unknown to the code: {' '.join(state.extra)})"
                self.stdout.write(f"{state.schema}: behind: {detail}")
            self.stdout.write(f"{len(states)} schemas, {len(states) - len(stale)} up to date")
            if stale:
                raise CommandError(f"{len(stale)} schema(s) are not in the code's migration state", returncode=1)
            return

        def show(result: SchemaResult) -> None:
            if result.ok:
                if verbosity >= 1:
                    self.stdout.write(f"{result.schema}: {result.applied} migration(s) in {result.seconds:.2f} s")
            else:
                self.stderr.write(f"{result.schema}: FAILED: {result.error}")

        report = fleet_migrate(
            jobs=options["jobs"],
            lock_timeout=options["lock_timeout"],
            schemas=options["schemas"],
            verbosity=max(0, verbosity - 1),
            on_result=show,
        )
        failed = report.failed
        if verbosity >= 1:
            self.stdout.write(
                f"{report.checked} schemas: {report.up_to_date} up to date, "
                f"{len(report.results) - len(failed)} migrated, {len(failed)} failed, {report.seconds:.2f} s"
            )
        if failed:
            raise CommandError(
                f"{len(failed)} schema(s) failed: {', '.join(r.schema for r in failed)}; run again to resume",
                returncode=1,
            )
