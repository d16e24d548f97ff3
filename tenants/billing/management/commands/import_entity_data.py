"""Import an entity's existing members, clients and invoices from CSV files: all of it, or nothing.

    manage.py import_entity_data --entity smart-bruxelles --members members.csv --clients clients.csv \
        --invoices invoices.csv [--dry-run] [--by "operator name"]

The formats are documented in ``tenants/imports.py``. A bad row stops everything and is listed with its
file, line number, error code and field.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_tenants.utils import tenant_context

from config.db import connection
from config.errors import PlatformError
from tenants.imports import ImportRejected, entity_data_import
from tenants.registry.models import Entity


class Command(BaseCommand):
    help = "Import an entity's existing members, clients and invoices from CSV files (all or nothing)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--entity", required=True, help="slug of the entity")
        parser.add_argument("--members", type=Path, help="members.csv")
        parser.add_argument("--clients", type=Path, help="clients.csv")
        parser.add_argument("--invoices", type=Path, help="invoices.csv (with what was paid)")
        parser.add_argument("--by", default="import_entity_data", help="who imports (kept on every posting)")
        parser.add_argument("--dry-run", action="store_true", help="validate and write, then roll everything back")

    def handle(self, *args: Any, **options: Any) -> None:
        entity = Entity.objects.filter(slug=options["entity"]).first()
        if entity is None:
            raise CommandError(f"no entity {options['entity']!r}")
        files = {name: options[name] for name in ("members", "clients", "invoices") if options[name]}
        if not files:
            raise CommandError("give at least one of --members, --clients, --invoices")
        for name, path in files.items():
            if not path.is_file():
                raise CommandError(f"--{name}: no file {path}")
        started = time.perf_counter()
        try:
            with tenant_context(entity), transaction.atomic():
                result = entity_data_import(entity=entity, by=options["by"], **files)
                if options["dry_run"]:
                    with connection.cursor() as cursor:  # run the commit-time checks now, then roll back
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                    transaction.set_rollback(True)
        except ImportRejected as rejected:
            raise CommandError(str(rejected.message)) from None
        except PlatformError as refused:
            raise CommandError(f"{refused.code}: {refused.message}") from None
        verb = "would import (dry run, nothing written)" if options["dry_run"] else "imported"
        self.stdout.write(f"{verb} into {entity.display_name}: {result} in {time.perf_counter() - started:.1f} s")
