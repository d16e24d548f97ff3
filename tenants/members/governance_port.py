"""What the group's share register (governance, public schema) may read of an entity's members:
the group person id, kind, category, name and preferred language. Call inside the entity's schema
(``tenant_context``); returns frozen dataclasses, never models."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from config.db import connection

from .models import Member

REGISTER_LANGUAGES = ("fr", "nl", "de", "en")


@dataclass(frozen=True)
class MemberForRegister:
    person_id: UUID
    kind: str
    category: str
    display_name: str
    language: str
    email: str = ""  # where the voting links of general assemblies go


def members_for_register() -> list[MemberForRegister]:
    default = getattr(connection.tenant, "default_language", "fr")
    rows = []
    for member in Member.objects.order_by("id"):
        preferred = [code for code in member.languages if code in REGISTER_LANGUAGES]
        language = preferred[0] if preferred else (default if default in REGISTER_LANGUAGES else "en")
        rows.append(
            MemberForRegister(
                person_id=member.person_id,
                kind=member.kind,
                category=member.category,
                display_name=member.display_name,
                language=language,
                email=member.email,
            )
        )
    return rows
