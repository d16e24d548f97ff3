"""The federation API's OpenAPI description is committed (docs/openapi/federation-api.yaml) and must
match the code; its documentation pages load nothing from a CDN."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from ..conftest import PROJECT_DIR

pytestmark = pytest.mark.django_db

COMMITTED = PROJECT_DIR / "docs" / "openapi" / "federation-api.yaml"
REGENERATE = (
    ".venv/bin/python manage.py spectacular --urlconf federation_api.schema_urls "
    "--custom-settings federation_api.api_views.SCHEMA_SETTINGS --file docs/openapi/federation-api.yaml "
    "--validate --fail-on-warn"
)


def test_the_committed_schema_matches_the_code(tmp_path):
    generated = tmp_path / "federation-api.yaml"
    with translation.override("en"):
        call_command(
            "spectacular",
            urlconf="federation_api.schema_urls",
            custom_settings="federation_api.api_views.SCHEMA_SETTINGS",
            file=str(generated),
            validate=True,
            fail_on_warn=True,
        )
    assert generated.read_text() == COMMITTED.read_text(), f"the federation API changed: run `{REGENERATE}`"


@pytest.fixture
def gina(group) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=group.manager_username))
    return client


def test_the_schema_describes_the_federation_api_only(gina):
    body = gina.get("/api/v1/federation/schema/", HTTP_HOST="localhost").content.decode()
    assert "title: SMart federation API" in body
    assert "/api/v1/federation/figures/:" in body
    assert "/api/v1/invoices/" not in body and "/api/v1/entities/:" not in body


@pytest.mark.parametrize(
    ("path", "asset"),
    [("/api/v1/federation/docs/", "swagger-ui-bundle.js"), ("/api/v1/federation/redoc/", "redoc.standalone.js")],
)
def test_the_documentation_pages_load_nothing_from_a_cdn(gina, path, asset):
    response = gina.get(path, HTTP_HOST="localhost")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html and asset in html
    assert "/api/v1/federation/schema/" in html
    assert not re.findall(r"""(?:src|href)=["'](https?:)?//""", html)
    # (a CSRF token may spell "cdn" by chance: only addresses count)
    assert not [url for url in re.findall(r"""(?:src|href)=["']([^"']+)""", html) if "cdn" in url.lower()]
    assert not re.findall(r"(?:https?:)?//[\w.-]*cdn", html, re.IGNORECASE)


# ---- the partner API -----------------------------------------------------------------------------

PARTNER_COMMITTED = PROJECT_DIR / "docs" / "openapi" / "partner-api.yaml"
PARTNER_REGENERATE = (
    ".venv/bin/python manage.py spectacular --urlconf federation_api.partner_schema_urls "
    "--custom-settings federation_api.partner_api.SCHEMA_SETTINGS --file docs/openapi/partner-api.yaml "
    "--validate --fail-on-warn"
)


def test_the_committed_partner_schema_matches_the_code(tmp_path):
    generated = tmp_path / "partner-api.yaml"
    with translation.override("en"):
        call_command(
            "spectacular",
            urlconf="federation_api.partner_schema_urls",
            custom_settings="federation_api.partner_api.SCHEMA_SETTINGS",
            file=str(generated),
            validate=True,
            fail_on_warn=True,
        )
    assert generated.read_text() == PARTNER_COMMITTED.read_text(), (
        f"the partner API changed: run `{PARTNER_REGENERATE}`"
    )


def test_the_partner_schema_describes_the_partner_api_and_its_key(group):
    response = Client().get("/api/v1/partner/schema/", HTTP_HOST="localhost")
    assert response.status_code == 200
    body = response.content.decode()
    assert "title: SMart partner API" in body
    assert "/api/v1/partner/webhooks/{endpoint_id}/rotate-secret/:" in body
    assert "partnerKey:" in body and "scheme: bearer" in body
    assert "/api/v1/federation/figures/" not in body and "/api/v1/invoices/" not in body


@pytest.mark.parametrize(
    ("path", "asset"),
    [("/api/v1/partner/docs/", "swagger-ui-bundle.js"), ("/api/v1/partner/redoc/", "redoc.standalone.js")],
)
def test_the_partner_documentation_pages_load_nothing_from_a_cdn(group, path, asset):
    response = Client().get(path, HTTP_HOST="localhost")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html and asset in html
    assert "/api/v1/partner/schema/" in html
    assert not re.findall(r"""(?:src|href)=["'](https?:)?//""", html)
    assert not [url for url in re.findall(r"""(?:src|href)=["']([^"']+)""", html) if "cdn" in url.lower()]
