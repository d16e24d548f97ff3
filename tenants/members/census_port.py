"""What the group's consolidation counts of an entity's members: how many joined each month, per
stakeholder category and kind. Run inside the entity's schema; plain values out, never names."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max
from django.db.models.functions import TruncMonth

from .models import Member


@dataclass(frozen=True)
class JoinedRow:
    period: datetime.date
    category: str
    kind: str
    joined: int


def signature() -> str:
    """Changes whenever a member is added or removed (count and highest id)."""
    found = Member.objects.aggregate(n=Count("id"), last=Max("id"))
    return f"{found['n']}:{found['last'] or 0}"


def joined_by_month() -> list[JoinedRow]:
    rows = (
        Member.objects.annotate(period=TruncMonth("created_at"))
        .values("period", "category", "kind")
        .annotate(joined=Count("id"))
        .order_by("period", "category", "kind")
    )
    return [
        JoinedRow(
            r["period"].date() if isinstance(r["period"], datetime.datetime) else r["period"],
            r["category"],
            r["kind"],
            r["joined"],
        )
        for r in rows
    ]
