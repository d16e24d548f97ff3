"""What a partner referral may take of a member, and only the fields the member consented to share
(run inside the entity's schema)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from .models import Member


@dataclass(frozen=True)
class MemberRef:
    member_id: uuid.UUID
    person_id: uuid.UUID
    display_name: str


def member_ref(member_id: uuid.UUID) -> MemberRef | None:
    member = Member.objects.filter(public_id=member_id).first()
    return MemberRef(member.public_id, member.person_id, member.display_name) if member else None


def members() -> list[MemberRef]:
    return [MemberRef(m.public_id, m.person_id, m.display_name) for m in Member.objects.order_by("last_name", "id")]


def member_snapshot(member_id: uuid.UUID, fields: list[str], *, project: str, on: datetime.date) -> dict[str, str]:
    """The consented fields of the member, as text, taken now."""
    from tenants.billing.models import Invoice, InvoiceKind, InvoiceStatus

    member = Member.objects.get(public_id=member_id)
    activities = list(member.activities.order_by("name"))
    values: dict[str, str] = {}
    if "name" in fields:
        values["name"] = member.display_name
    if "email" in fields:
        values["email"] = member.email
    if "phone" in fields:
        values["phone"] = member.phone
    if "activity" in fields:
        values["activity"] = "; ".join(f"{a.name} ({a.stage})" for a in activities)
    if "turnover" in fields:
        since = on - datetime.timedelta(days=365)
        totals = (
            Invoice.objects.filter(activity__in=activities, kind=InvoiceKind.INVOICE, issue_date__gte=since)
            .exclude(status=InvoiceStatus.DRAFT)
            .values("currency")
            .annotate(total=Sum("total_net"))
            .order_by("currency")
        )
        values["turnover"] = "; ".join(f"{row['total'] or Decimal(0)} {row['currency']}" for row in totals)
    if "project" in fields:
        values["project"] = project
    return values
