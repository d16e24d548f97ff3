from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django_tenants.utils import tenant_context

from tenants.registry.demo import DEMO_ENTITIES
from tenants.registry.models import Entity, EntityStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_the_group_once_and_its_logins_work(group):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    slugs = {d.slug for d in DEMO_ENTITIES}
    demo = Entity.objects.filter(slug__in=slugs)
    assert demo.count() == 19
    assert demo.get(is_central=True).slug == "smart-coop"
    assert demo.get(slug="smart-nl").status == EntityStatus.CLOSED
    assert sorted(demo.filter(country__in=["SE", "HU"]).values_list("currency", flat=True)) == ["HUF", "SEK"]
    creds = json.loads(Path(settings.DEMO_CREDENTIALS_FILE).read_text())
    assert set(creds["entities"]) == slugs
    assert "http://smart-coop.localhost:8000/" in out.getvalue()

    # Idempotent: a second run creates nothing and keeps the logins.
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert Entity.objects.filter(slug__in=slugs).count() == 19
    assert "created" not in again.getvalue()
    assert json.loads(Path(settings.DEMO_CREDENTIALS_FILE).read_text()) == creds

    # The printed logins work, each on its own subdomain only.
    hu = creds["entities"]["smart-hu"]
    client = Client()
    login = {"username": hu["username"], "password": hu["password"]}
    assert client.post("/accounts/login/", login, HTTP_HOST="smart-hu.localhost").status_code == 302
    assert client.get("/", HTTP_HOST="smart-hu.localhost").status_code == 200
    assert client.get("/", HTTP_HOST="smart-se.localhost").status_code == 302
    manager = creds["group_manager"]
    login = {"username": manager["username"], "password": manager["password"]}
    assert Client().post("/accounts/login/", login, HTTP_HOST="localhost").status_code == 302
    with tenant_context(demo.get(slug="smart-hu")):
        assert get_user_model().objects.filter(username=manager["username"]).count() == 0
    Path(settings.DEMO_CREDENTIALS_FILE).unlink()
