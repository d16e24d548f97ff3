"""Demo data of the governance (called by ``seed_demo`` after the entities' operations; idempotent):
every demo member a cooperator, a board that meets the rules, a candidate list, a convened assembly
with remote voting open, and the service-use rule in force from the day of the seeding."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, tenant_context

from tenants.members import governance_port
from tenants.registry.models import Entity, EntityStatus

from . import services
from .models import (
    Assembly,
    BoardSeat,
    CandidateList,
    Cooperator,
    GovernanceRule,
    ResolutionType,
    RuleKind,
    StakeholderCategory,
)

DEMO_NAMESPACE = uuid.UUID("5f0c5e39-3c0e-4b6e-9a55-6d1f4f2b9a01")
ADMITTED = datetime.date(2026, 1, 5)
# The demo board: one seat per stakeholder category plus two, half women, renewed by halves.
DIRECTORS = [
    ("Nadia Benali", "natural_user", "female", 2027),
    ("Pieter Claes", "natural_user", "male", 2028),
    ("Atelier Lumen SCRL", "legal_user", "male", 2027),
    ("Hanna Svensson", "client", "female", 2028),
    ("Marc Dupont", "supplier", "male", 2027),
    ("Eva Kovács", "permanent_worker", "female", 2028),
    ("Julia Weber", "partner", "female", 2027),
    ("Tom Janssens", "permanent_worker", "male", 2028),
]


def _demo_gender(person_id: uuid.UUID) -> str:
    return ("female", "male", "")[person_id.int % 3]  # demo only: some genders are not recorded


def governance_demo_setup(*, manager_username: str, entities: Iterable[Entity] | None = None) -> None:
    user = get_user_model().objects.get(username=manager_username)
    services.governance_team_member_add(user_id=user.pk)
    if entities is None:
        entities = Entity.objects.exclude(schema_name=get_public_schema_name()).filter(status=EntityStatus.ACTIVE)
    entities = list(entities)
    for entity in entities:
        with tenant_context(entity):
            members = governance_port.members_for_register()
        for member in members:
            if Cooperator.objects.filter(person_id=member.person_id).exists():
                continue
            services.cooperator_admit(
                person_id=member.person_id,
                kind=member.kind,
                display_name=member.display_name,
                language=member.language,
                email=member.email,
                gender=_demo_gender(member.person_id) if member.kind == "natural" else "",
                category=member.category,
                entity=entity,
                on=ADMITTED,
                shares=1 + member.person_id.int % 4,
                by="seed_demo",
                request_key=f"demo-admit-{member.person_id}",
            )
    origin = next((e for e in entities if e.is_central), entities[0] if entities else None)
    if origin is not None and not BoardSeat.objects.exists():
        for name, category, gender, term_ends in DIRECTORS:
            person_id = uuid.uuid5(DEMO_NAMESPACE, name)
            cooperator = Cooperator.objects.filter(person_id=person_id).first() or services.cooperator_admit(
                person_id=person_id,
                kind="legal" if category == "legal_user" else "natural",
                display_name=name,
                language="fr",
                gender=gender,
                category=category,
                entity=origin,
                on=ADMITTED,
                shares=2,
                by="seed_demo",
                request_key=f"demo-admit-{person_id}",
            )
            BoardSeat.objects.create(cooperator=cooperator, since=datetime.date(2025, 6, 1), term_ends=term_ends)
    if not CandidateList.objects.filter(name="Liste 2027").exists():
        candidate_list = services.candidate_list_create(name="Liste 2027", election_year=2027)
        for cooperator in Cooperator.objects.filter(category=StakeholderCategory.NATURAL_USER)[:2]:
            services.candidate_list_add(candidate_list=candidate_list, cooperator=cooperator)
    now = timezone.now()
    title = f"Assemblée générale ordinaire {now.year}"
    if not Assembly.objects.filter(title=title).exists():
        assembly = services.assembly_create(
            kind="ordinary",
            title=title,
            date=now.date() + datetime.timedelta(days=30),
            record_date=now.date(),
            remote_opens_at=now - datetime.timedelta(hours=1),
            remote_closes_at=now + datetime.timedelta(days=29),
            proxy_limit=1,
            by="seed_demo",
        )
        for place, hour in (("Bruxelles", 10), ("Gent", 14), ("Liège", 18)):
            starts = datetime.datetime.combine(assembly.date, datetime.time(hour), tzinfo=datetime.UTC)
            services.assembly_session_add(assembly=assembly, place=place, starts_at=starts)
        services.agenda_item_add(assembly=assembly, title="Rapport de gestion et rapport sur la finalité sociale")
        services.agenda_item_add(
            assembly=assembly,
            title="Approbation des comptes annuels",
            resolution_type=ResolutionType.objects.get(code="ordinary"),
        )
        services.agenda_item_add(
            assembly=assembly,
            title="Modification des statuts (article 12)",
            resolution_type=ResolutionType.objects.get(code="statutes_amendment"),
        )
        services.assembly_convene(assembly=assembly, by="seed_demo")
    if not GovernanceRule.objects.filter(kind=RuleKind.SHARES_PER_YEAR_OF_USE).exists():
        GovernanceRule.objects.create(
            kind=RuleKind.SHARES_PER_YEAR_OF_USE,
            effective_from=timezone.localdate(),
            value=1,
            note="Statutes: at least one share per year of service use",
        )
