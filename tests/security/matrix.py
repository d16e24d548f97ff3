"""Pieces of the isolation matrix: the routes of a URL configuration, the values of their parameters
for the group domain, digests of what each entity owns (to prove a write attempt changed nothing of
another entity), and the figures every probe adds to ``var/results/isolation.json``."""

from __future__ import annotations

import datetime
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

RESULTS = Path(__file__).resolve().parents[2] / "var" / "results" / "isolation.json"
FIGURES: Counter[str] = Counter()
UNKNOWN = str(uuid.UUID(int=0xDEADBEEF))  # a well-formed id nobody has


def routes(urlconf: str) -> list[str]:
    """Route templates of every pattern of ``urlconf``, nested includes included."""

    def walk(resolver: URLResolver, prefix: str) -> Iterable[str]:
        for pattern in resolver.url_patterns:
            piece = str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, prefix + piece)
            else:
                assert isinstance(pattern, URLPattern)
                yield prefix + piece

    return list(walk(get_resolver(urlconf), ""))


def _public_ids(model: type) -> list[str]:
    field = "public_id" if any(f.name == "public_id" for f in model._meta.get_fields()) else "pk"  # type: ignore[attr-defined]
    return [str(pk) for pk in model.objects.values_list(field, flat=True)]  # type: ignore[attr-defined]


def group_probes(group) -> dict[str, Callable[[], list[str]]]:
    """Every parameter of the group domain's URLs -> the values to try: the rows of every entity (and
    one unknown id), so that a page answering for the wrong principal would show a canary."""
    from federation_api.models import DashboardJob, ProvisioningRequest
    from governance import models as gov
    from shared_services.financing.models import EquipmentLoan, SubsidyAdvance
    from shared_services.guarantee.models import FundMovement
    from shared_services.insurance.models import Claim, ClaimDocument
    from shared_services.legal_aid.models import CaseDocument, LegalCase
    from shared_services.referrals.models import Referral, WebhookDelivery, WebhookEndpoint
    from tenants.members.models import Member

    def members() -> list[str]:
        from django_tenants.utils import tenant_context

        ids = []
        for persona in group.all:
            with tenant_context(persona.entity):
                ids += _public_ids(Member)
        return ids

    def ids(*models: type) -> Callable[[], list[str]]:
        return lambda: [value for model in models for value in _public_ids(model)] + [UNKNOWN]

    return {
        "entity_id": lambda: [str(p.entity.public_id) for p in group.all] + [UNKNOWN],
        "entity_slug": lambda: [p.entity.slug for p in group.all],
        "member_id": lambda: [*members(), UNKNOWN],
        "cover_id": ids(FundMovement),
        "claim_id": ids(Claim),
        "case_id": ids(LegalCase),
        "document_id": ids(ClaimDocument, CaseDocument),
        "advance_id": ids(SubsidyAdvance),
        "loan_id": ids(EquipmentLoan),
        "referral_id": ids(Referral, gov.EthicsReferral),
        "delivery_id": ids(WebhookDelivery),
        "endpoint_id": ids(WebhookEndpoint),
        "cooperator_id": ids(gov.Cooperator),
        "assembly_id": ids(gov.Assembly),
        "item_id": ids(gov.AgendaItem),
        "list_id": ids(gov.CandidateList),
        "thing_id": ids(gov.ParticipationEvent, gov.Contribution, gov.Recommendation, gov.ActionItem),
        "job_id": ids(DashboardJob),
        "request_id": ids(ProvisioningRequest),
        "token": lambda: ["not-a-voting-token"],
        "year": lambda: [str(datetime.date.today().year)],  # noqa: DTZ011
        "fmt": lambda: ["csv", "xlsx"],
        "action": lambda: ["close", "open", "convene", "admit", "publish", "nope"],
    }


def _tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        return [row[0] for row in cursor.fetchall()]


def _digest(sql: str, params: list[object]) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def entity_digest(entity) -> dict[str, str]:
    """A digest of every row the entity owns: every table of its schema, and its rows in the public
    tables that carry an entity id. Read on the test's own connection (its uncommitted writes too)."""
    out = {}
    for table in _tables(entity.schema_name):
        if table == "django_session":  # a sign-in writes here; sessions are checked elsewhere
            continue
        out[f"{entity.schema_name}.{table}"] = _digest(
            f"SELECT md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) "
            f'FROM "{entity.schema_name}"."{table}" t',
            [],
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name = 'entity_id' ORDER BY table_name"
        )
        public = [row[0] for row in cursor.fetchall()]
    for table in public:
        out[f"public.{table}"] = _digest(
            f"SELECT md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) "
            f'FROM public."{table}" t WHERE t.entity_id = %s',
            [entity.pk],
        )
    return out


def record(**figures: int) -> None:
    """Add to this session's figures and write them out (the results page reads the file): requests
    and leaks add up; counts of URLs, pairs and paths keep their largest value."""
    for key, value in figures.items():
        if key.endswith("_requests") or key == "leaks_found":
            FIGURES[key] += value
        else:
            FIGURES[key] = max(FIGURES.get(key, 0), value)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(dict(sorted(FIGURES.items())), indent=2))
