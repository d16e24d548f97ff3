from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from federation_api import consolidation
from tenants.registry.selectors import entity_list


class Command(BaseCommand):
    help = "Recompute the group's consolidated facts from every entity's ledger events."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--entity", action="append", help="only this entity (slug); repeatable")

    def handle(self, *args: Any, **options: Any) -> None:
        entities = entity_list().order_by("slug")
        if options["entity"]:
            entities = entities.filter(slug__in=options["entity"])
        for entity in entities:
            count = consolidation.entity_rebuild(entity=entity)
            self.stdout.write(f"{entity.slug}: {count} events")
