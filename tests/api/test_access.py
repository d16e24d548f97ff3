"""Who may call the entity API, and on which host."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern
from django_tenants.utils import tenant_context
from rest_framework.test import APIRequestFactory

from tenants import api_urls
from tenants.api_base import EntityAPIView, EntityRequiredError
from tenants.billing.models import Invoice, Payment
from tenants.ledger.models import JournalEntry
from tenants.members.api import MemberListApi
from tenants.members.models import Member

from .conftest import Api

pytestmark = pytest.mark.django_db

OBJECT_KWARGS = {
    "member_id",
    "activity_id",
    "client_id",
    "supplier_id",
    "invoice_id",
    "payment_id",
    "expense_id",
    "contract_id",
    "declaration_id",
    "entry_id",
}


def test_every_route_is_named_uses_public_uuids_and_the_one_base_view():
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        assert pattern.name and pattern.name.startswith("api-"), pattern
        converters = pattern.pattern.converters  # type: ignore[attr-defined]
        for name, converter in converters.items():
            assert name in OBJECT_KWARGS, (pattern, name)
            assert type(converter).__name__ == "UUIDConverter", (pattern, name)
        view_class = pattern.callback.view_class  # type: ignore[attr-defined]
        assert issubclass(view_class, EntityAPIView), view_class


def test_anonymous_callers_are_refused(group):
    client = Client()
    for path in ("/api/v1/members/", "/api/v1/ledger/trial-balance/", "/api/v1/schema/", "/api/v1/docs/"):
        response = client.get(path, HTTP_HOST=group.alpha.host)
        assert response.status_code in (401, 403), path
    response = client.get("/api/v1/invoices/", HTTP_HOST=group.alpha.host, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["code"] == "not_authenticated"
    with tenant_context(group.alpha.entity):
        before = Member.objects.count()
    response = client.post(
        "/api/v1/members/",
        {"kind": "natural", "category": "natural_user", "first_name": "A", "last_name": "B"},
        content_type="application/json",
        HTTP_HOST=group.alpha.host,
    )
    assert response.status_code == 403
    with tenant_context(group.alpha.entity):
        assert Member.objects.count() == before


def test_another_entitys_ids_are_unknown_here(group, alpha):
    with tenant_context(group.beta.entity):
        invoice = Invoice.objects.get(kind="invoice")
        beta_state = sorted(Invoice.objects.values_list("public_id", "status")), Payment.objects.count()
        beta_member = Member.objects.get().public_id
        beta_entry = JournalEntry.objects.first().public_id
    for path in (
        f"invoices/{invoice.public_id}/",
        f"invoices/{invoice.public_id}/payments/",
        f"members/{beta_member}/",
        f"ledger/entries/{beta_entry}/",
    ):
        alpha.refused(alpha.get(path), 404, "not_found")
    alpha.refused(
        alpha.post(f"invoices/{invoice.public_id}/payments/", {"amount": "1.00", "currency": "SEK"}), 404, "not_found"
    )
    alpha.refused(alpha.post(f"invoices/{invoice.public_id}/credit-notes/", {"lines": []}), 404, "not_found")
    # Nor can a body point at it.
    error = alpha.refused(alpha.post("activities/", {"name": "X", "holder": str(beta_member)}), 400, "invalid")
    assert "holder" in error["fields"]
    with tenant_context(group.beta.entity):
        assert (sorted(Invoice.objects.values_list("public_id", "status")), Payment.objects.count()) == beta_state
    # Alpha's own invoice answers.
    with tenant_context(group.alpha.entity):
        own = Invoice.objects.get(kind="invoice").public_id
    assert alpha.ok("get", f"invoices/{own}/")["client_name"].startswith(group.alpha.canary)


def test_a_session_of_one_entity_is_anonymous_on_another(group, alpha):
    beta_api = Api(group.beta.host, group.beta.entity)
    beta_api.client = alpha.client
    assert beta_api.get("members/").status_code == 403


def test_the_group_domain_has_no_entity_api(group, alpha):
    for path in ("/api/v1/members/", "/api/v1/schema/", "/api/v1/ledger/trial-balance/"):
        response = alpha.client.get(path, HTTP_HOST="localhost")
        assert response.status_code == 404, path
    manager = Client()
    from django.contrib.auth import get_user_model

    manager.force_login(get_user_model().objects.get(username=group.manager_username))
    assert manager.get("/api/v1/members/", HTTP_HOST="localhost").status_code == 404


def test_the_base_view_refuses_to_run_without_an_entity(group):
    request = APIRequestFactory().get("/api/v1/members/")
    request.entity = None  # type: ignore[attr-defined]
    with pytest.raises(EntityRequiredError, match="entity's subdomain"):
        MemberListApi.as_view()(request)
    # Nor on an entity's request whose connection is on another schema.
    request = APIRequestFactory().get("/api/v1/members/")
    request.entity = group.alpha.entity  # type: ignore[attr-defined]
    with tenant_context(group.beta.entity), pytest.raises(EntityRequiredError, match="not on the entity's"):
        MemberListApi.as_view()(request)


def test_unknown_uuid_in_url_is_a_404_in_the_error_format(alpha):
    error = alpha.refused(alpha.get(f"activities/{uuid.uuid4()}/statement/"), 404, "not_found")
    assert set(error) >= {"code", "message"}


def test_every_route_answers_options_and_head_without_failing(eur):
    sample = "00000000-0000-4000-8000-000000000000"
    for pattern in api_urls.urlpatterns:
        path = "/api/v1/" + re.sub(r"<uuid:\w+>", sample, str(pattern.pattern))
        for method in ("options", "head"):
            response = getattr(eur.client, method)(path, HTTP_HOST=eur.host)
            assert response.status_code in (200, 404, 405), (method, path, response.status_code)
    options = eur.client.options("/api/v1/invoices/", HTTP_HOST=eur.host).json()
    assert options["schema"] == "/api/v1/schema/"


def test_writes_need_the_csrf_token_of_the_session(group):
    client = Client(enforce_csrf_checks=True)
    with tenant_context(group.books_eur):
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username="staff@t-books-eur.test"))
    host = f"{group.books_eur.slug}.localhost"
    response = client.post(
        "/api/v1/clients/", {"name": "X", "country": "BE"}, content_type="application/json", HTTP_HOST=host
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
