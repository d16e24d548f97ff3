"""Tasks run in the entity they were sent from, in a real worker process; never in public."""

from __future__ import annotations

import time

import pytest
from django_tenants.utils import tenant_context

from config.celery import app
from config.db import connection
from config.tasks import TenantRequiredError
from tenants.registry.tasks import connection_report
from tenants.workspace.models import JobCheck
from tenants.workspace.services import job_check_request
from tenants.workspace.tasks import job_check_complete

pytestmark = pytest.mark.worker


def _wait_completed(persona, public_id, timeout: float = 20.0) -> JobCheck:
    deadline = time.monotonic() + timeout
    while True:
        with tenant_context(persona.entity):
            check = JobCheck.objects.get(public_id=public_id)
        if check.completed_at is not None or time.monotonic() > deadline:
            return check
        time.sleep(0.05)


def test_a_task_sent_from_an_entity_runs_in_that_entity(group, celery_worker_process, django_db_blocker):
    with django_db_blocker.unblock():
        with tenant_context(group.alpha.entity):
            check = job_check_request(requested_by="alice")  # commits, then sends on commit
        with tenant_context(group.beta.entity):
            other = job_check_request(requested_by="bjorn")
        done = _wait_completed(group.alpha, check.public_id)
        assert done.completed_at is not None
        assert done.ran_in_schema == group.alpha.entity.schema_name
        assert done.worker.startswith("test-")
        assert _wait_completed(group.beta, other.public_id).ran_in_schema == group.beta.entity.schema_name
        # The same UUID is nowhere else.
        for persona in (group.beta, group.gamma):
            with tenant_context(persona.entity):
                assert not JobCheck.objects.filter(public_id=check.public_id).exists()
        assert connection.schema_name == "public"


def test_the_worker_is_back_on_public_after_a_tenant_task(group, celery_worker_process, django_db_blocker):
    with django_db_blocker.unblock():
        with tenant_context(group.gamma.entity):
            check = job_check_request(requested_by="gabor")
        assert _wait_completed(group.gamma, check.public_id).ran_in_schema == group.gamma.entity.schema_name
    # Same single worker process, next task: its connection must be on public again.
    with tenant_context(group.gamma.entity):
        report = connection_report.apply_async().get(timeout=20)
    assert report["schema"] == "public"
    assert report["search_path"] == "public"


def test_a_tenant_task_cannot_be_sent_from_public(group):
    assert connection.schema_name == "public"
    with pytest.raises(TenantRequiredError):
        job_check_complete.delay("00000000-0000-0000-0000-000000000000")
    with pytest.raises(TenantRequiredError):
        job_check_complete.send_on_commit("00000000-0000-0000-0000-000000000000")


def test_a_tenant_task_that_reaches_a_worker_without_entity_is_refused(group, celery_worker_process, django_db_blocker):
    """A message forged without our base class (no entity header) must not run in public."""
    with django_db_blocker.unblock():
        with tenant_context(group.alpha.entity):
            check = JobCheck.objects.create(requested_by="forged")
        result = app.send_task(
            "workspace.job_check_complete",
            args=[str(check.public_id)],
            headers={"_schema_name": "public"},
            ignore_result=False,
        )
        result.get(timeout=20, propagate=False)
        assert result.state == "FAILURE"
        assert "TenantRequiredError" in (result.traceback or "")
        with tenant_context(group.alpha.entity):
            assert JobCheck.objects.get(public_id=check.public_id).completed_at is None


def test_a_public_task_sent_from_an_entity_still_runs_in_public(group, celery_worker_process):
    with tenant_context(group.beta.entity):
        report = connection_report.apply_async().get(timeout=20)
    assert report["schema"] == "public"


def test_a_task_is_sent_only_if_the_transaction_commits(group, celery_worker_process, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock():
        with tenant_context(group.alpha.entity):
            try:
                with transaction.atomic():
                    check = JobCheck.objects.create(requested_by="rolled back")
                    job_check_complete.send_on_commit(str(check.public_id))
                    raise RuntimeError("abort")
            except RuntimeError:
                pass
            assert not JobCheck.objects.filter(requested_by="rolled back").exists()
            kept = job_check_request(requested_by="kept")
        assert _wait_completed(group.alpha, kept.public_id).completed_at is not None


@pytest.mark.django_db
def test_a_check_asked_while_the_broker_is_down_stays_pending_and_the_page_answers(
    group, monkeypatch, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.factories import broker_down

    monkeypatch.setattr(job_check_complete, "apply_async", broker_down)
    staff = Client()
    with tenant_context(group.alpha.entity):
        staff.force_login(get_user_model().objects.get(username=group.alpha.staff_username))
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post("/jobs/check/", HTTP_HOST=group.alpha.host)
    assert response.status_code == 302  # recorded; the lost message is logged, never a 500
    with tenant_context(group.alpha.entity):
        # The check shows what it is for: no worker has answered.
        assert JobCheck.objects.filter(completed_at__isnull=True).exists()


@pytest.mark.django_db
def test_every_task_of_the_platform_declares_its_scope_and_runs_only_there(group):
    """Each of our tasks is a platform task with a scope; a public one (the sweeps, fan-outs and jobs)
    refuses to run inside an entity's schema, a tenant one refuses to run in public."""
    from config.tasks import PlatformTask

    app.loader.import_default_modules()  # every app's tasks module, as a worker imports them
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert {"privacy.retention_sweep", "federation.jobs_sweep", "federation.entity_drain"} <= set(ours)
    for name, task in ours.items():
        assert isinstance(task, PlatformTask) and task.scope in ("tenant", "public"), name
    public = [task for task in ours.values() if task.scope == "public"]
    tenant = [task for task in ours.values() if task.scope == "tenant"]
    with tenant_context(group.alpha.entity):
        for task in public:
            with pytest.raises(TenantRequiredError):
                task()
    for task in tenant:
        with pytest.raises(TenantRequiredError):
            task()
