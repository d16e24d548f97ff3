from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.worker
def test_health_is_200_when_database_broker_and_a_worker_answer(group, celery_worker_process):
    response = Client().get("/health/", HTTP_HOST="localhost")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "worker": True,
    }
    assert len(body["checks"]["worker"]["workers"]) == 1


def test_health_is_503_when_the_broker_is_down(group, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # discard port: nothing listens
    response = Client().get("/health/", HTTP_HOST="localhost")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is False


def test_health_is_not_served_on_an_entity_subdomain(group):
    assert Client().get("/health/", HTTP_HOST=group.alpha.host).status_code == 404
