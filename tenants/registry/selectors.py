"""Reads of the registry."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db.models import QuerySet

from .models import Entity, EntityStatus, LevyPolicy


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


def levy_policy_for(*, country: str, on: date) -> LevyPolicy:
    """The single percentage in force for ``country`` on ``on`` (the group default where the country
    has no rate of its own)."""
    policies = LevyPolicy.objects.filter(effective_from__lte=on)
    policy = policies.filter(country=country).order_by("-effective_from").first()
    if policy is None:
        policy = policies.filter(country="").order_by("-effective_from").first()
    if policy is None:
        raise LookupError(f"no levy policy in force on {on} for {country} nor for the group")
    return policy
