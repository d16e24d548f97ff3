"""The personal-data registry is complete (a model that looks personal and is in no list fails the
build), and a subject-access export holds the person's data from every entity and the group's
services, and nobody else's."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django_tenants.utils import tenant_context

from privacy.export import subject_access_export
from privacy.registry import NOT_PERSONAL, PERSONAL
from tests.governance.helpers import make_cooperator

pytestmark = pytest.mark.django_db

OURS = ("tenants.", "shared_services", "federation_api", "governance", "audit", "privacy")
PERSONAL_NAMES = {
    "first_name", "last_name", "birth_date", "email", "phone", "address", "iban", "display_name", "member_name",
    "gender", "username", "name", "person_id", "member_id", "company_number", "vat_number", "national_id", "ip",
}  # fmt: skip
LINKS = {"members.Member", "governance.Cooperator", "auth.User", "insurance.Coverage", "insurance.Claim",
         "referrals.Referral", "legal_aid.LegalCase"}  # fmt: skip


def _looks_personal(model: type[models.Model]) -> bool:
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False):
            continue
        if field.name in PERSONAL_NAMES or isinstance(field, models.EmailField | models.GenericIPAddressField):
            return True
        if isinstance(field, models.TextField):
            return True  # free text may hold anything about anyone
        if field.is_relation and field.related_model is not None and field.related_model._meta.label in LINKS:
            return True
    return False


def test_every_model_that_looks_personal_is_in_the_registry():
    listed = {h.label for h in PERSONAL} | set(NOT_PERSONAL)
    candidates = [m for m in apps.get_models() if m.__module__.startswith(OURS) or m._meta.label in ("auth.User",)]
    missing = sorted(m._meta.label for m in candidates if _looks_personal(m) and m._meta.label not in listed)
    assert not missing, f"models holding personal data missing from privacy/registry.py: {missing}"
    unknown = sorted(label for label in listed if label not in {m._meta.label for m in apps.get_models()})
    assert not unknown, f"the registry names models that do not exist: {unknown}"


def _member(entity, canary: str):
    from tenants.members.services import member_create

    with tenant_context(entity):
        return member_create(
            kind="natural",
            category="natural_user",
            first_name="Subject",
            last_name=f"Access{canary}",
            birth_date=__import__("datetime").date(1985, 3, 9),
            country="BE",
            email=f"{canary.lower()}@subject.test",
            address=f"{canary} street 1",
            languages=["fr"],
            consent_partner_referrals=True,
        )


def test_an_export_holds_the_persons_data_from_every_entity_and_nobody_elses(group):
    from shared_services.referrals.models import Partner
    from shared_services.referrals.services import referral_create

    canary = f"SAR{uuid.uuid4().hex[:8].upper()}"
    in_alpha = _member(group.alpha.entity, canary)
    in_beta = _member(group.beta.entity, canary)
    assert in_alpha.person_id == in_beta.person_id  # the same person in two entities
    person_id = in_alpha.person_id
    with tenant_context(group.alpha.entity):
        referral_create(
            partner=Partner.objects.get(slug="coopcity"),
            member_id=in_alpha.public_id,
            project=f"{canary} project",
            consent_fields=["name", "project"],
            consent_given=True,
            by="test",
        )
    make_cooperator(person_id, shares=2, entity=group.alpha.entity, name=f"Subject Access{canary}")

    document = subject_access_export(person_id=person_id)
    text = json.dumps(document)
    assert document["person_id"] == str(person_id)
    slugs = {e["entity"] for e in document["entities"]}
    assert {group.alpha.entity.slug, group.beta.entity.slug} <= slugs
    for entry in document["entities"]:
        (member,) = entry["data"]["members.Member"]
        assert member["address"] == f"{canary} street 1"
    assert document["group"]["referrals.Referral"][0]["project"] == f"{canary} project"
    assert document["group"]["referrals.Consent"]
    assert document["group"]["governance.Cooperator"][0]["display_name"] == f"Subject Access{canary}"
    assert len(document["group"]["governance.ShareTransaction"]) == 1
    assert {n["model"] for n in document["not_included"]} >= {"auth.User", "billing.Client"}
    # Nobody else's data: none of the test entities' canaries (their own members and records).
    names = {persona.entity.display_name for persona in group.all}  # where the person is a member: theirs to know
    for entry in document["entities"]:
        entry["name"] = "-" if entry["name"] in names else entry["name"]
    text = json.dumps(document)
    others = [c for persona in group.all for c in persona.canaries]
    leaked = [c for c in others if c in text]
    assert not leaked, [line for line in json.dumps(document, indent=1).splitlines() if any(c in line for c in leaked)]

    out = io.StringIO()
    call_command("privacy_export", person=str(person_id), stdout=out)
    assert json.loads(out.getvalue())["person_id"] == str(person_id)


def test_an_unknown_person_gets_an_empty_export_and_a_bad_id_a_clear_error(group):
    from django.core.management.base import CommandError

    document = subject_access_export(person_id=uuid.uuid4())
    assert document["entities"] == [] and document["group"] == {}
    with pytest.raises(CommandError, match="not a person id"):
        call_command("privacy_export", person="nope")
