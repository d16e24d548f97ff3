"""Subject access (GDPR art. 15): everything the platform holds about one person, in every entity and
in the group's shared services, as one machine-readable document (JSON)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.registry.models import Entity

from .registry import Holding, holdings, person_query

FORMAT = "smart-subject-access/1"


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _rows(holding: Holding, person_id: uuid.UUID, member_ids: list[str]) -> list[dict[str, Any]]:
    model = apps.get_model(holding.label)
    rows: QuerySet[Any] = model._default_manager.filter(person_query(holding, person_id, member_ids))
    rows = rows.distinct().order_by("pk")
    hidden = {"password", "secret_hash", "token_hash", "secret"}
    return [{k: _plain(v) for k, v in row.items() if k not in hidden} for row in rows.values()]


def subject_access_export(*, person_id: uuid.UUID) -> dict[str, Any]:
    """The person's rows in every entity (closed ones included) and in the public schema."""
    entities: list[dict[str, Any]] = []
    member_ids: list[str] = []
    for entity in Entity.objects.order_by("slug"):
        with tenant_context(entity):
            found = {h.label: _rows(h, person_id, []) for h in holdings("entity") if h.lookup is not None}
        found = {label: rows for label, rows in found.items() if rows}
        if found:
            member_ids += [row["public_id"] for row in found.get("members.Member", [])]
            entities.append({"entity": entity.slug, "name": entity.display_name, "data": found})
    group = {h.label: _rows(h, person_id, member_ids) for h in holdings("public") if h.lookup is not None}
    return {
        "format": FORMAT,
        "person_id": str(person_id),
        "generated_at": timezone.now().isoformat(),
        "entities": entities,
        "group": {label: rows for label, rows in group.items() if rows},
        "not_included": [
            {"model": h.label, "where": h.where, "why": h.note}
            for h in holdings("entity") + holdings("public")
            if h.lookup is None
        ],
    }
