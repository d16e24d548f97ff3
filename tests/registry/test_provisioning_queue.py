"""Entity provisioning has a queue of its own: the API's task goes there (never to the default queue
that carries payouts, drains and webhooks) and a worker consuming that queue builds the entity.

Committed mode: the worker is another process and must see the request."""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings

from config.celery import app, queue_for
from tenants.registry.models import Entity
from tests.registry.test_provisioning import API, _body, _manager


def test_provisioning_is_routed_to_its_own_queue_and_other_tasks_are_not():
    own = queue_for("provisioning")
    assert own == f"{settings.CELERY_TASK_DEFAULT_QUEUE}-provisioning"
    assert app.amqp.router.route({}, "federation_api.provision_entity")["queue"].name == own
    for other in ("federation.drain_all", "guarantee.sweep", "referrals.webhook_deliver", "privacy.retention_sweep"):
        assert app.amqp.router.route({}, other)["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.mark.worker
def test_a_worker_on_the_provisioning_queue_builds_the_entity(group, celery_worker_process, django_db_blocker):
    slug = f"t-queue-{os.getpid()}"
    with django_db_blocker.unblock():
        client = _manager(group)
        response = client.post(API, _body(slug), content_type="application/json", HTTP_HOST="localhost")
        assert response.status_code == 202, response.content
        status_url = response.json()["status_url"]
        deadline = time.monotonic() + 60
        while (status := client.get(status_url, HTTP_HOST="localhost").json())["status"] in ("pending", "running"):
            assert time.monotonic() < deadline, "the provisioning task was not run"
            time.sleep(0.2)
        assert status["status"] == "done", status
        assert Entity.objects.filter(slug=slug).exists()
