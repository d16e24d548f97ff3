"""Helpers for tests that need cooperators in the share register."""

from __future__ import annotations

import datetime
import uuid
from uuid import UUID

from django_tenants.utils import get_public_schema_name

from governance.models import Cooperator, GovernanceRule, RuleKind
from governance.services import cooperator_admit
from tenants.registry.models import Entity


def make_cooperator(
    person_id: UUID | None = None,
    shares: int = 5,
    *,
    entity: Entity | None = None,
    category: str = "natural_user",
    gender: str = "",
    name: str = "",
    language: str = "fr",
    email: str = "",
    on: datetime.date = datetime.date(2024, 1, 15),
) -> Cooperator:
    """A cooperator holding ``shares`` shares bought on ``on`` (the person id is made up if not given)."""
    if entity is None:
        entity = Entity.objects.exclude(schema_name=get_public_schema_name()).order_by("pk").first()
        assert entity is not None
    person_id = person_id or uuid.uuid4()
    return cooperator_admit(
        person_id=person_id,
        kind="legal" if category == "legal_user" else "natural",
        display_name=name or f"Cooperator {str(person_id)[:8]}",
        language=language,
        gender=gender,
        category=category,
        entity=entity,
        on=on,
        shares=shares,
        by="test",
        request_key=uuid.uuid4().hex,
        email=email,
    )


def activate_share_rule(per_year: int = 1, on: datetime.date = datetime.date(2000, 1, 1)) -> GovernanceRule:
    return GovernanceRule.objects.create(kind=RuleKind.SHARES_PER_YEAR_OF_USE, effective_from=on, value=per_year)
