"""entity_create / entity_close: the round trip, and every refusal changing nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_tenants.utils import schema_exists, tenant_context

from config.db import connection
from tenants.registry import errors
from tenants.registry.errors import EntityError
from tenants.registry.models import Domain, Entity, EntityEvent, EntityStatus
from tenants.registry.services import entity_close, entity_create, entity_wind_down
from tenants.workspace.models import JobCheck

pytestmark = pytest.mark.django_db

VALID: dict[str, Any] = {
    "slug": "t-delta",
    "display_name": "Delta",
    "legal_name": "Delta SC",
    "country": "BE",
    "legal_form": "SC",
    "company_number": "0403.170.701",
    "currency": "EUR",
    "languages": ["nl", "fr"],
    "default_language": "nl",
    "staff_email": "Dora@Delta.test",
    "staff_password": "pw-dora-123456",
}


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def _snapshot() -> tuple[int, int, int, frozenset[str]]:
    return (
        Entity.objects.count(),
        Domain.objects.count(),
        EntityEvent.objects.count(),
        frozenset(_schemas()),
    )


def test_entity_create_builds_schema_domain_and_first_staff_user(group):
    created = entity_create(**VALID)
    entity = created.entity
    assert entity.schema_name == "e_t_delta"
    assert schema_exists("e_t_delta")
    assert created.domain == "t-delta.localhost"
    assert list(Domain.objects.filter(tenant=entity).values_list("domain", "is_primary")) == [
        ("t-delta.localhost", True)
    ]
    assert entity.company_number == "0403170701"
    assert entity.languages == ["nl", "fr"]
    assert entity.status == EntityStatus.ACTIVE
    assert list(entity.events.values_list("kind", flat=True)) == ["created"]
    with tenant_context(entity):
        staff = get_user_model().objects.get()
        assert (staff.username, staff.is_staff, staff.is_superuser) == ("dora@delta.test", True, True)
        assert staff.check_password("pw-dora-123456")
    # The staff user exists in the new entity only, not in the group nor in another entity.
    assert not get_user_model().objects.filter(username="dora@delta.test").exists()
    with tenant_context(group.alpha.entity):
        assert not get_user_model().objects.filter(username="dora@delta.test").exists()
    # And the new subdomain answers at once.
    response = Client().get("/accounts/login/", HTTP_HOST="t-delta.localhost")
    assert response.status_code == 200


def test_entity_close_keeps_every_row_and_makes_the_entity_read_only(group):
    entity = entity_create(**VALID).entity
    with tenant_context(entity):
        JobCheck.objects.create(requested_by="before closing")
        users_before = get_user_model().objects.count()
    entity_wind_down(entity=entity)
    entity.refresh_from_db()
    assert entity.status == EntityStatus.WINDING_DOWN
    assert entity.winding_down_since is not None

    closed = entity_close(entity=entity, merged_into=group.alpha.entity)
    assert closed.status == EntityStatus.CLOSED
    assert closed.closed_at is not None
    assert closed.merged_into == group.alpha.entity
    assert list(closed.events.values_list("kind", flat=True)) == ["created", "winding_down", "closed"]
    assert schema_exists(entity.schema_name)
    with tenant_context(entity):
        assert list(JobCheck.objects.values_list("requested_by", flat=True)) == ["before closing"]
        assert get_user_model().objects.count() == users_before

    client = Client()
    with tenant_context(entity):
        client.force_login(get_user_model().objects.get())
    assert client.get("/", HTTP_HOST="t-delta.localhost").status_code == 200
    refused = client.post("/jobs/check/", HTTP_HOST="t-delta.localhost", HTTP_ACCEPT="application/json")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == errors.ENTITY_CLOSED_READ_ONLY
    with tenant_context(entity):
        assert JobCheck.objects.count() == 1


def test_closing_an_active_entity_passes_through_winding_down(group):
    entity = entity_create(**VALID).entity
    closed = entity_close(entity=entity)
    assert closed.winding_down_since == closed.closed_at
    assert list(closed.events.values_list("kind", flat=True)) == ["created", "winding_down", "closed"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"slug": "Bad Slug!"}, errors.SLUG_INVALID),
        ({"slug": "www"}, errors.SLUG_RESERVED),
        ({"slug": "t-alpha"}, errors.SLUG_TAKEN),
        ({"country": "XX"}, errors.COUNTRY_UNKNOWN),
        ({"country": "EU"}, errors.COUNTRY_UNKNOWN),
        ({"currency": "EUX"}, errors.CURRENCY_UNKNOWN),
        ({"company_number": "BE0403170702"}, errors.COMPANY_NUMBER_INVALID),
        ({"country": "FR", "company_number": "BE0403170701"}, errors.COMPANY_NUMBER_INVALID),
        ({"languages": ["es"]}, errors.LANGUAGE_UNSUPPORTED),
        ({"default_language": "de"}, errors.DEFAULT_LANGUAGE_NOT_SPOKEN),
        ({"display_name": "  "}, errors.NAME_REQUIRED),
        ({"legal_form": ""}, errors.LEGAL_FORM_REQUIRED),
        ({"staff_email": "not-an-address"}, errors.STAFF_EMAIL_INVALID),
    ],
)
def test_entity_create_refuses_bad_input_and_changes_nothing(group, change, code):
    before = _snapshot()
    with pytest.raises(EntityError) as refused:
        entity_create(**{**VALID, **change})
    assert refused.value.code == code
    assert str(refused.value.message) == str(errors.MESSAGES[code])
    assert _snapshot() == before


def test_a_second_central_entity_is_refused(group):
    entity_create(**{**VALID, "slug": "t-central", "is_central": True})
    before = _snapshot()
    with pytest.raises(EntityError) as refused:
        entity_create(**{**VALID, "is_central": True})
    assert refused.value.code == errors.CENTRAL_EXISTS
    assert _snapshot() == before


def test_duplicate_domain_is_refused(group):
    other = Entity.objects.get(slug="t-beta")
    Domain.objects.create(domain="t-delta.localhost", tenant=other, is_primary=False)
    before = _snapshot()
    with pytest.raises(EntityError) as refused:
        entity_create(**VALID)
    assert refused.value.code == errors.DOMAIN_TAKEN
    assert _snapshot() == before


def test_a_failure_after_the_schema_was_built_leaves_nothing_behind(group, monkeypatch):
    from tenants.registry import services

    def explode(**_: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.EntityEvent.objects, "create", explode)
    before = _snapshot()
    with pytest.raises(RuntimeError):
        entity_create(**VALID)
    assert _snapshot() == before
    assert "e_t_delta" not in _schemas()


def test_the_central_entity_cannot_be_wound_down_or_closed(group):
    central = entity_create(**{**VALID, "slug": "t-central", "is_central": True}).entity
    for action in (entity_wind_down, entity_close):
        with pytest.raises(EntityError) as refused:
            action(entity=central)
        assert refused.value.code == errors.CENTRAL_CANNOT_CLOSE
    central.refresh_from_db()
    assert central.status == EntityStatus.ACTIVE
    assert list(central.events.values_list("kind", flat=True)) == ["created"]


def test_closing_twice_or_merging_into_a_closed_entity_is_refused(group):
    first = entity_create(**VALID).entity
    second = entity_create(**{**VALID, "slug": "t-epsilon"}).entity
    entity_close(entity=first)
    with pytest.raises(EntityError) as refused:
        entity_close(entity=first)
    assert refused.value.code == errors.ALREADY_CLOSED
    with pytest.raises(EntityError) as refused:
        entity_close(entity=second, merged_into=first)
    assert refused.value.code == errors.MERGE_TARGET_INVALID
    with pytest.raises(EntityError) as refused:
        entity_close(entity=second, merged_into=second)
    assert refused.value.code == errors.MERGE_TARGET_INVALID
    second.refresh_from_db()
    assert second.status == EntityStatus.ACTIVE


def test_the_database_allows_only_one_central_entity(group):
    from django.db import IntegrityError, transaction

    entity_create(**{**VALID, "slug": "t-central", "is_central": True})
    with pytest.raises(IntegrityError), transaction.atomic():
        Entity.objects.filter(slug="t-alpha").update(is_central=True)
