"""The group dashboard: who may see it, figures equal to the federation API's, filters, drill-down,
CSV/XLSX exports (formula-safe), refusals without a 500, and recomputations with their progress."""

from __future__ import annotations

import csv
import io
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from config.errors import PlatformError
from federation_api import consolidation, jobs, membership
from federation_api.models import DashboardJob, Fact
from tenants.registry.models import Entity

from .conftest import signed_in

pytestmark = pytest.mark.django_db
HOST = "localhost"


_client = signed_in


@pytest.fixture
def drained(group):
    for persona in group.all:
        consolidation.entity_drain(entity=persona.entity)
        membership.entity_census(entity=persona.entity, force=True)
    return group


def test_who_may_see_the_dashboard(group, drained):
    reader = get_user_model().objects.create_user(username="rita@group.test")
    reader.groups.add(AuthGroup.objects.get_or_create(name="federation_reader")[0])
    staff = get_user_model().objects.create_user(username="sam@group.test", is_staff=True)
    entity_url = f"/dashboard/entities/{group.alpha.entity.public_id}/"
    for url in ["/dashboard/", entity_url, "/dashboard/export.csv"]:
        assert _client(reader).get(url, HTTP_HOST=HOST).status_code == 200, url
        assert _client(staff).get(url, HTTP_HOST=HOST).status_code == 403, url
        response = _client().get(url, HTTP_HOST=HOST)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    # A reader reads; starting a recomputation is for group managers, and a refusal writes nothing.
    jobs_before = DashboardJob.objects.count()
    assert 'id="job-form"' not in _client(reader).get("/dashboard/", HTTP_HOST=HOST).content.decode()
    assert _client(reader).post("/dashboard/jobs/", {"kind": "rebuild"}, HTTP_HOST=HOST).status_code == 403
    assert DashboardJob.objects.count() == jobs_before
    with tenant_context(group.alpha.entity):
        alpha_staff = _client(get_user_model().objects.get(username=group.alpha.staff_username))
        assert alpha_staff.get("/dashboard/", HTTP_HOST=group.alpha.host).status_code == 404


def test_the_page_shows_the_apis_figures_and_charts(group, drained, gina):
    api = gina.get("/api/v1/federation/figures/", HTTP_HOST=HOST).json()
    page = gina.get("/dashboard/", HTTP_HOST=HOST)
    assert page.status_code == 200
    html = page.content.decode()
    for metric in ("turnover", "levy", "wages", "expenses"):
        assert f'data-metric="{metric}">{api["totals_eur"][metric]}<' in html
    assert html.count("<svg") >= 4  # turnover, levy, members, stages (the fund's when it holds something)
    assert f"/dashboard/entities/{group.alpha.entity.public_id}/" in html
    members = gina.get("/api/v1/federation/membership/", HTTP_HOST=HOST).json()
    assert f'data-metric="members">{members["members"]}<' in html


def test_filters_and_drill_down_keep_to_their_scope(group, drained, gina):
    beta = group.beta.entity
    page = gina.get("/dashboard/", {"entity": str(beta.public_id)}, HTTP_HOST=HOST).content.decode()
    assert f'data-entity="{beta.slug}"' in page and f'data-entity="{group.alpha.entity.slug}"' not in page
    page = gina.get("/dashboard/", {"country": "hu"}, HTTP_HOST=HOST).content.decode()
    assert all(f'data-entity="{e.slug}"' not in page for e in Entity.objects.exclude(country="HU"))
    drill = gina.get(f"/dashboard/entities/{beta.public_id}/", HTTP_HOST=HOST)
    assert drill.status_code == 200
    api = gina.get(f"/api/v1/federation/entities/{beta.public_id}/", HTTP_HOST=HOST).json()
    html = drill.content.decode()
    assert f'data-metric="turnover">{api["figures"]["totals_eur"]["turnover"]}<' in html
    for balance in api["balances"]:
        assert balance["amount"] in html
    assert group.alpha.canary not in html and group.gamma.canary not in html


def test_bad_filters_answer_a_page_with_the_code(group, drained, gina):
    cases = [
        ({"period_from": "2026-13"}, 400, "federation_period_invalid"),
        ({"period_to": "2999-01"}, 400, "federation_period_in_future"),
        ({"period_from": "2025-06", "period_to": "2025-01"}, 400, "federation_period_range_invalid"),
        ({"country": "ZZ"}, 400, "federation_invalid_choice"),
        ({"entity": str(uuid.uuid4())}, 404, "federation_unknown_entity"),
    ]
    for params, status, code in cases:
        response = gina.get("/dashboard/", params, HTTP_HOST=HOST)
        assert response.status_code == status, params
        assert code in response.content.decode()
        export = gina.get("/dashboard/export.csv", params, HTTP_HOST=HOST)
        assert export.status_code == status and export.json()["error"]["code"] == code
    assert gina.get(f"/dashboard/entities/{uuid.uuid4()}/", HTTP_HOST=HOST).status_code == 404
    assert gina.get("/dashboard/export.pdf", HTTP_HOST=HOST).status_code == 404


def test_exports_hold_every_row_with_its_rate(group, drained, gina):
    api = gina.get("/api/v1/federation/figures/", HTTP_HOST=HOST).json()
    response = gina.get("/dashboard/export.csv", HTTP_HOST=HOST)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == len(api["rows"])
    for metric in ("turnover", "levy", "wages", "expenses"):
        assert sum(Decimal(r[f"{metric}_eur"]) for r in rows) == Decimal(api["totals_eur"][metric])
    api_rates = {(r["key"], r["period"], r["currency"]): r["rate"]["eur_rate"] for r in api["rows"]}
    assert {(r["entity_id"], r["period"], r["currency"]): r["eur_rate"] for r in rows} == api_rates

    book = load_workbook(io.BytesIO(gina.get("/dashboard/export.xlsx", HTTP_HOST=HOST).content))
    sheet = book["figures"]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(rows[0].keys()) and len(values) == len(rows) + 1
    column = values[0].index("levy_eur")
    assert sum(Decimal(str(v[column])) for v in values[1:]) == Decimal(api["totals_eur"]["levy"])


def test_exports_do_not_carry_formulas(group, drained, gina):
    beta = group.beta.entity
    Entity.objects.filter(pk=beta.pk).update(display_name='=HYPERLINK("http://evil.test","x")')
    rows = list(csv.DictReader(io.StringIO(gina.get("/dashboard/export.csv", HTTP_HOST=HOST).content.decode())))
    names = {r["name"] for r in rows if r["entity"] == beta.slug}
    assert names == {'\'=HYPERLINK("http://evil.test","x")'}


def test_a_recomputation_reports_its_progress_and_runs_once(group, drained, gina):
    before = set(DashboardJob.objects.values_list("pk", flat=True))
    response = gina.post("/dashboard/jobs/", {"kind": "reconcile"}, HTTP_HOST=HOST)
    assert response.status_code == 302
    job = DashboardJob.objects.exclude(pk__in=before).get()
    assert response["Location"] == f"/dashboard/jobs/{job.public_id}/"
    assert job.status == "queued" and job.total == Entity.objects.count()
    # A second request while it is queued is refused, and writes nothing.
    with pytest.raises(PlatformError) as refused:
        jobs.job_create(kind="reconcile", requested_by="gina")
    assert refused.value.code == "federation_job_busy" and DashboardJob.objects.count() == len(before) + 1
    page = gina.get(f"/dashboard/jobs/{job.public_id}/", HTTP_HOST=HOST).content.decode()
    assert 'http-equiv="refresh"' in page and 'data-status="queued"' in page

    jobs.job_run(job_id=job.public_id)  # what the worker does
    job.refresh_from_db()
    assert job.status == "done" and job.done == job.total and "differences" not in job.result
    progress = gina.get(f"/dashboard/jobs/{job.public_id}/", {"format": "json"}, HTTP_HOST=HOST).json()
    assert progress["percent"] == 100 and progress["status"] == "done"
    page = gina.get(f"/dashboard/jobs/{job.public_id}/", HTTP_HOST=HOST).content.decode()
    assert 'id="reconciled"' in page and 'http-equiv="refresh"' not in page
    finished_at = job.finished_at
    jobs.job_run(job_id=job.public_id)  # a replayed message changes nothing
    job.refresh_from_db()
    assert job.finished_at == finished_at


def test_a_reconcile_job_names_a_difference(group, drained):
    fact = Fact.objects.filter(entity=group.alpha.entity).first()
    assert fact is not None
    Fact.objects.filter(pk=fact.pk).update(amount=fact.amount + Decimal("0.01"))
    job = jobs.job_create(kind="reconcile", requested_by="gina", entity=group.alpha.entity)
    jobs.job_run(job_id=job.public_id)
    job.refresh_from_db()
    assert job.total == 1 and list(job.result["differences"]) == [group.alpha.entity.slug]
    assert "off by 0.01" in job.result["differences"][group.alpha.entity.slug][0]
    # A rebuild puts it right.
    rebuild = jobs.job_create(kind="rebuild", requested_by="gina", entity=group.alpha.entity)
    jobs.job_run(job_id=rebuild.public_id)
    assert consolidation.entity_reconcile(entity=group.alpha.entity) == []


def test_an_unknown_job_kind_is_refused(group, gina):
    before = DashboardJob.objects.count()
    response = gina.post("/dashboard/jobs/", {"kind": "explode"}, HTTP_HOST=HOST, follow=True)
    assert response.status_code == 200 and "federation_invalid_choice" in response.content.decode()
    assert DashboardJob.objects.count() == before


def test_a_recomputation_asked_while_the_broker_is_down_is_kept_and_sent_again_by_the_sweep(
    group, gina, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime

    from federation_api import tasks
    from tests.factories import broker_down

    monkeypatch.setattr(tasks.job_run, "apply_async", broker_down)
    DashboardJob.objects.filter(status__in=["queued", "running"]).update(status="failed")
    with django_capture_on_commit_callbacks(execute=True):
        response = gina.post("/dashboard/jobs/", {"kind": "census"}, HTTP_HOST=HOST)
    assert response.status_code == 302  # the job is recorded; the lost message is logged, not a 500
    job = DashboardJob.objects.get(status="queued", kind="census")

    sent: list[tuple[str, ...]] = []
    monkeypatch.setattr(tasks.job_run, "apply_async", lambda args, *a, **k: sent.append(tuple(args)))
    assert tasks.jobs_sweep() == 0 and sent == []  # too recent: a worker may be about to take it
    DashboardJob.objects.filter(pk=job.pk).update(created_at=job.created_at - datetime.timedelta(minutes=2))
    assert tasks.jobs_sweep() == 1 and sent == [(str(job.public_id),)]
    jobs.job_run(job_id=job.public_id)  # what the worker does with the message sent again
    job.refresh_from_db()
    assert job.status == "done"
    sent.clear()
    assert tasks.jobs_sweep() == 0 and sent == []
