"""Checks that other parts of the group run before a performance is declared ("declare once").

The mutualised services (insurance cover today; cooperator status later) must be able to refuse a
declaration without the entity importing them: ``settings.DECLARATION_CHECKS`` names functions that
take a ``DeclarationFacts`` and raise a ``PlatformError`` to refuse (nothing is written then).
They run inside the declaration's transaction, in the entity's schema, before anything is created.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class PerformerFacts:
    member_id: UUID  # the member's public id in this entity
    person_id: UUID  # group-wide person id (entities.Person)
    display_name: str
    kind: str  # wage, fees, authors_rights
    gross: Decimal


@dataclass(frozen=True)
class DeclarationFacts:
    entity_id: int
    activity_id: UUID
    activity_name: str
    currency: str
    country: str  # where the performance takes place
    performed_from: datetime.date
    performed_to: datetime.date
    performers: tuple[PerformerFacts, ...]


def declaration_checks_run(facts: DeclarationFacts) -> None:
    for path in settings.DECLARATION_CHECKS:
        import_string(path)(facts)
