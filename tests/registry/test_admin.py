from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tenants.registry.models import Entity, EntityStatus
from tenants.registry.services import entity_create

pytestmark = pytest.mark.django_db


def _manager(group) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=group.manager_username))
    return client


def test_group_admin_lists_entities_and_closes_through_the_service(group):
    entity = entity_create(
        slug="t-adm",
        display_name="Adm",
        legal_name="Adm SC",
        country="BE",
        legal_form="SC",
        company_number="0403170701",
        currency="EUR",
        languages=["fr"],
        default_language="fr",
        staff_email="s@adm.test",
    ).entity
    central = entity_create(
        slug="t-central-adm",
        display_name="Central",
        legal_name="Central SC",
        country="BE",
        legal_form="SC",
        company_number="0403170701",
        currency="EUR",
        languages=["fr"],
        default_language="fr",
        staff_email="s@central.test",
        is_central=True,
    ).entity
    client = _manager(group)
    listing = client.get("/admin/entities/entity/", HTTP_HOST="localhost")
    assert listing.status_code == 200
    assert group.alpha.entity.display_name in listing.content.decode()
    response = client.post(
        "/admin/entities/entity/",
        {"action": "close", "_selected_action": [entity.pk, central.pk]},
        HTTP_HOST="localhost",
        follow=True,
    )
    assert response.status_code == 200
    assert "cannot be wound down or closed" in response.content.decode()
    assert Entity.objects.get(pk=entity.pk).status == EntityStatus.CLOSED
    assert Entity.objects.get(pk=central.pk).status == EntityStatus.ACTIVE
    # No way to add or delete an entity around the services.
    assert client.get("/admin/entities/entity/add/", HTTP_HOST="localhost").status_code == 403
    assert client.get(f"/admin/entities/entity/{entity.pk}/delete/", HTTP_HOST="localhost").status_code == 403


def test_entity_staff_cannot_reach_the_group_admin(group):
    client = Client()
    from django_tenants.utils import tenant_context

    with tenant_context(group.alpha.entity):
        client.force_login(get_user_model().objects.get(username=group.alpha.staff_username))
    assert client.get("/admin/entities/entity/", HTTP_HOST=group.alpha.host).status_code == 404
    assert client.get("/admin/entities/entity/", HTTP_HOST="localhost").status_code == 302
