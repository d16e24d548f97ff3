"""Wind down or close an entity. Nothing is deleted; a closed entity stays readable."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tenants.registry import services
from tenants.registry.errors import EntityError
from tenants.registry.models import Entity


class Command(BaseCommand):
    help = "Start winding down an entity (--wind-down) or close it, optionally merged into another."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("slug")
        parser.add_argument("--wind-down", action="store_true", help="only start winding down")
        parser.add_argument("--merged-into", help="slug of the active entity taking over")

    def handle(self, *args: Any, **options: Any) -> None:
        entity = self._get(options["slug"])
        try:
            if options["wind_down"]:
                entity = services.entity_wind_down(entity=entity)
            else:
                target = self._get(options["merged_into"]) if options["merged_into"] else None
                entity = services.entity_close(entity=entity, merged_into=target)
        except EntityError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from None
        self.stdout.write(f"{entity.display_name}: {entity.get_status_display()}")

    @staticmethod
    def _get(slug: str) -> Entity:
        entity = Entity.objects.filter(slug=slug).first()
        if entity is None:
            raise CommandError(f"No entity with short name {slug!r}.")
        return entity
