from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from federation_api import consolidation
from tenants.registry.selectors import entity_list


class Command(BaseCommand):
    help = (
        "Compare the consolidated sums per (account kind, currency, month) with every entity's own ledger; "
        "name each difference and exit 1 if there is any. --drain drains every entity first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--entity", action="append", help="only this entity (slug); repeatable")
        parser.add_argument("--drain", action="store_true", help="drain every entity's outbox first")

    def handle(self, *args: Any, **options: Any) -> None:
        entities = entity_list().order_by("slug")
        if options["entity"]:
            entities = entities.filter(slug__in=options["entity"])
        differences = []
        for entity in entities:
            if options["drain"]:
                consolidation.entity_drain(entity=entity)
            found = consolidation.entity_reconcile(entity=entity)
            differences.extend(found)
            self.stdout.write(f"{entity.slug}: {'OK' if not found else f'{len(found)} difference(s)'}")
        for difference in differences:
            self.stdout.write(str(difference))
        if differences:
            raise CommandError(f"{len(differences)} difference(s)", returncode=1)
