"""Host -> schema routing, the connection's schema after requests, and `SET search_path` economy."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, tenant_context

from config.db import connection
from tenants.registry.routing import routing_cache
from tenants.workspace.models import JobCheck

from ..conftest import database_url

pytestmark = pytest.mark.django_db


def _set_search_path_statements(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SET search_path")]


def _current_schemas() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schemas(false)")
        return list(cursor.fetchone()[0])


def test_unknown_subdomain_is_a_404_page_not_a_500(group):
    client = Client()
    html = client.get("/", HTTP_HOST="nobody.localhost")
    assert html.status_code == 404
    assert b"unknown_host" in html.content
    api = client.get("/api/v1/entities/", HTTP_HOST="nobody.localhost")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "unknown_host"


def test_a_host_outside_the_platform_is_a_404(group):
    response = Client().get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 404
    assert b"unknown_host" in response.content


def test_entity_only_urls_are_404_on_the_group_domain(group):
    client = Client()
    client.force_login(get_user_model().objects.get(username=group.manager_username))
    assert client.post("/jobs/check/", HTTP_HOST="localhost").status_code == 404
    assert client.get("/admin/workspace/jobcheck/", HTTP_HOST="localhost").status_code == 404


def test_group_only_urls_are_404_on_an_entity_subdomain(group):
    client = Client()
    with tenant_context(group.alpha.entity):
        client.force_login(get_user_model().objects.get(username=group.alpha.staff_username))
    assert client.get("/health/", HTTP_HOST=group.alpha.host).status_code == 404
    assert client.get("/api/v1/entities/", HTTP_HOST=group.alpha.host).status_code == 404
    assert client.get("/admin/entities/entity/", HTTP_HOST=group.alpha.host).status_code == 404


def test_the_connection_is_back_on_public_after_a_request(group):
    client = Client()
    with tenant_context(group.alpha.entity):
        client.force_login(get_user_model().objects.get(username=group.alpha.staff_username))
    assert client.get("/", HTTP_HOST=group.alpha.host).status_code == 200
    assert connection.schema_name == "public"
    assert _current_schemas() == ["public"]


def test_the_connection_is_back_on_public_after_a_failing_request(group, monkeypatch):
    from tenants.workspace import views

    def boom(*args, **kwargs):
        raise RuntimeError("view failed")

    monkeypatch.setattr(views.selectors, "job_check_recent", boom)
    client = Client(raise_request_exception=False)
    with tenant_context(group.alpha.entity):
        client.force_login(get_user_model().objects.get(username=group.alpha.staff_username))
    assert client.get("/", HTTP_HOST=group.alpha.host).status_code == 500
    assert connection.schema_name == "public"
    assert _current_schemas() == ["public"]


def _staff_client(persona) -> Client:
    client = Client()
    with tenant_context(persona.entity):
        client.force_login(get_user_model().objects.get(username=persona.staff_username))
    return client


def test_search_path_is_sent_only_when_the_schema_changes(group):
    alpha, beta = group.alpha, group.beta
    assert routing_cache.wait_until_listening(10)
    alice, bjorn = _staff_client(alpha), _staff_client(beta)
    assert bjorn.get("/", HTTP_HOST=beta.host).status_code == 200  # warms Beta's host in the routing cache
    assert alice.get("/", HTTP_HOST=alpha.host).status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert alice.get("/", HTTP_HOST=alpha.host).status_code == 200
    assert len(again.captured_queries) >= 3  # session, user, job checks: the request did read Alpha
    assert _set_search_path_statements(again) == []
    with CaptureQueriesContext(connection) as switched:
        assert bjorn.get("/", HTTP_HOST=beta.host).status_code == 200
    assert _set_search_path_statements(switched) == [
        f'SET search_path = "{beta.entity.schema_name}","public"; SET app.entity_id = \'{beta.entity.pk}\''
    ]
    # Between requests the connection is on public for Django; the first public query re-sends it.
    with CaptureQueriesContext(connection) as public:
        assert _current_schemas() == ["public"]
    assert _set_search_path_statements(public) == ["SET search_path = \"public\"; SET app.entity_id = ''"]


def test_a_rolled_back_savepoint_never_leaves_reads_in_another_entity(group):
    alpha, beta = group.alpha, group.beta
    connection.set_tenant(alpha.entity)
    assert JobCheck.objects.get().requested_by == f"{alpha.canary}J"
    try:
        with transaction.atomic():
            connection.set_tenant(beta.entity)
            # The SET for Beta is issued inside the savepoint...
            assert JobCheck.objects.get().requested_by == f"{beta.canary}J"
            raise RuntimeError("roll the savepoint back")
    except RuntimeError:
        pass
    # ...and PostgreSQL reverted it with the savepoint. Reads must still be Beta's, not Alpha's.
    assert connection.schema_name == beta.entity.schema_name
    assert JobCheck.objects.get().requested_by == f"{beta.canary}J"
    connection.set_tenant(alpha.entity)
    assert JobCheck.objects.get().requested_by == f"{alpha.canary}J"
    connection.set_schema_to_public()


def test_a_savepoint_rollback_inside_a_request_cannot_leak_into_the_next_request(group):
    alpha, beta = group.alpha, group.beta
    client = Client()
    with tenant_context(alpha.entity):
        client.force_login(get_user_model().objects.get(username=alpha.staff_username))
    with tenant_context(beta.entity):
        other = Client()
        other.force_login(get_user_model().objects.get(username=beta.staff_username))
    assert alpha.canary.encode() in client.get("/", HTTP_HOST=alpha.host).content
    try:
        with transaction.atomic():
            with schema_context(beta.entity.schema_name):
                JobCheck.objects.count()
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    body = other.get("/", HTTP_HOST=beta.host).content
    assert beta.canary.encode() in body
    assert alpha.canary.encode() not in body


def _name(host: str) -> str:
    entity = routing_cache.resolve(host)
    assert entity is not None
    return entity.display_name


def test_routing_cache_is_invalidated_by_a_change_committed_elsewhere(group, django_db_blocker):
    """A change made by another process (here: another connection, raw SQL) reaches this process's
    routing cache through PostgreSQL's NOTIFY, without any restart."""
    assert routing_cache.wait_until_listening(10)
    alpha = group.alpha
    assert _name(alpha.host) == alpha.entity.display_name
    assert alpha.host in routing_cache.cached_hosts()
    renamed = alpha.entity.display_name + " renamed"
    with psycopg.connect(database_url(), autocommit=True) as other:
        other.execute("UPDATE entities_entity SET display_name = %s WHERE id = %s", [renamed, alpha.entity.pk])
        try:
            deadline = time.monotonic() + 5
            while alpha.host in routing_cache.cached_hosts() and time.monotonic() < deadline:
                time.sleep(0.02)
            assert alpha.host not in routing_cache.cached_hosts()
            assert _name(alpha.host) == renamed
        finally:
            other.execute(
                "UPDATE entities_entity SET display_name = %s WHERE id = %s",
                [alpha.entity.display_name, alpha.entity.pk],
            )
    deadline = time.monotonic() + 5
    while _name(alpha.host) != alpha.entity.display_name:
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_a_request_gets_its_own_copy_of_the_cached_entity(group):
    first = routing_cache.resolve(group.alpha.host)
    assert first is not None
    first.display_name = "mutated by a request"
    assert _name(group.alpha.host) == group.alpha.entity.display_name
