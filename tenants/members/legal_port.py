"""What the legal-aid service may read of the entity's members (run inside the entity's schema)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from .models import Member


@dataclass(frozen=True)
class MemberRef:
    member_id: uuid.UUID
    person_id: uuid.UUID
    display_name: str


def members_list() -> list[MemberRef]:
    return [
        MemberRef(member.public_id, member.person_id, member.display_name)
        for member in Member.objects.order_by("last_name", "first_name", "id")
    ]


def members_get(member_ids: list[uuid.UUID]) -> list[MemberRef]:
    found = Member.objects.filter(public_id__in=member_ids)
    return [MemberRef(member.public_id, member.person_id, member.display_name) for member in found]
