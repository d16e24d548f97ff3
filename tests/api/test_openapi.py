"""The OpenAPI description is committed (docs/openapi/entity-api.yaml) and must match the code; the
schema and its documentation pages are served by the entity, with no file from a CDN."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import translation

from ..conftest import PROJECT_DIR

pytestmark = pytest.mark.django_db

COMMITTED = PROJECT_DIR / "docs" / "openapi" / "entity-api.yaml"
REGENERATE = (
    ".venv/bin/python manage.py spectacular --urlconf config.urls_tenant --file docs/openapi/entity-api.yaml "
    "--validate --fail-on-warn"
)


def test_the_committed_schema_matches_the_code(tmp_path):
    generated = tmp_path / "entity-api.yaml"
    with translation.override("en"):
        call_command("spectacular", urlconf="config.urls_tenant", file=str(generated), validate=True, fail_on_warn=True)
    assert generated.read_text() == COMMITTED.read_text(), f"the entity API changed: run `{REGENERATE}` and commit it"


def test_the_schema_describes_the_api(eur):
    response = eur.client.get("/api/v1/schema/", HTTP_HOST=eur.host)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("openapi: 3")
    assert "title: SMart entity API" in body
    assert "/api/v1/invoices/{invoice_id}/payments/:" in body
    as_json = eur.client.get("/api/v1/schema/", {"format": "json"}, HTTP_HOST=eur.host).json()
    assert as_json["info"]["title"] == "SMart entity API"


@pytest.mark.parametrize(
    ("path", "asset"), [("/api/v1/docs/", "swagger-ui-bundle.js"), ("/api/v1/redoc/", "redoc.standalone.js")]
)
def test_the_documentation_pages_load_nothing_from_a_cdn(eur, path, asset):
    response = eur.client.get(path, HTTP_HOST=eur.host)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html and asset in html
    assert "/api/v1/schema/" in html
    external = re.findall(r"""(?:src|href)=["'](https?:)?//""", html)
    assert not external, external
    # (a CSRF token may spell "cdn" by chance: only addresses count)
    assert not [url for url in re.findall(r"""(?:src|href)=["']([^"']+)""", html) if "cdn" in url.lower()]
    assert not re.findall(r"(?:https?:)?//[\w.-]*cdn", html, re.IGNORECASE)
