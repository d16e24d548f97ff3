"""Reads of the registry."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from .models import Entity, EntityStatus


def entity_list(*, include_closed: bool = True) -> QuerySet[Entity]:
    entities = Entity.objects.prefetch_related("domains")
    if not include_closed:
        entities = entities.exclude(status=EntityStatus.CLOSED)
    return entities


def entity_get_central() -> Entity | None:
    return Entity.objects.filter(is_central=True).first()


def site_url(host: str) -> str:
    port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT and settings.PUBLIC_PORT not in (80, 443) else ""
    return f"{settings.PUBLIC_SCHEME}://{host}{port}/"


def entity_url(entity: Entity) -> str:
    domain = next((d.domain for d in entity.domains.all() if d.is_primary), None)
    return site_url(domain or f"{entity.slug}.{settings.BASE_DOMAIN}")


def group_url() -> str:
    return site_url(settings.BASE_DOMAIN)
