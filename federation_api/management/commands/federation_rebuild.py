from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from federation_api import consolidation
from tenants.registry.selectors import entity_list


class Command(BaseCommand):
    help = "Recompute the group's consolidated facts from every entity's books (several entities at once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--entity", action="append", help="only this entity (slug); repeatable")
        parser.add_argument("--jobs", type=int, default=2, help="entities rebuilt at once (default 2)")

    def handle(self, *args: Any, **options: Any) -> None:
        entities = entity_list().order_by("slug")
        if options["entity"]:
            entities = entities.filter(slug__in=options["entity"])
        counts = consolidation.rebuild_all(entities=list(entities), jobs=max(1, options["jobs"]))
        for slug, count in sorted(counts.items()):
            self.stdout.write(f"{slug}: {count} events")
