"""Group management's dashboard in a real browser (Playwright driving Debian's chromium): sign in on
the group domain, filter by country, drill down to one entity, export CSV and XLSX, and run a
reconciliation whose progress the page follows until a real Celery worker has finished it.

The server is ``manage.py runserver`` on the test database; the group's test entities are drained
and counted (committed) before it starts. Skipped when Playwright or chromium is missing."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from tests.browser.test_staff_flow import CHROMIUM, LAUNCH_ARGS, answers, free_port  # noqa: E402
from tests.conftest import PROJECT_DIR, subprocess_env  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@dataclass
class GroupSite:
    base_url: str
    username: str
    password: str
    hu_slugs: set[str]
    other_slugs: set[str]
    beta: Any


@pytest.fixture(scope="module")
def group_site(group, celery_worker_process, django_db_blocker) -> Iterator[GroupSite]:
    from federation_api import consolidation, membership
    from tenants.registry.models import Entity

    with django_db_blocker.unblock():
        for persona in group.all:
            consolidation.entity_drain(entity=persona.entity)
            membership.entity_census(entity=persona.entity, force=True)
        with_facts = {p.entity.slug for p in group.all}
        hu = set(Entity.objects.filter(country="HU", slug__in=with_facts).values_list("slug", flat=True))
        assert hu, "the test group has a Hungarian entity"
    port = free_port()
    host = f"localhost:{port}"
    log_path = PROJECT_DIR / "var" / f"test-dashboard-server-{port}.log"
    (PROJECT_DIR / "var").mkdir(exist_ok=True)
    log = open(log_path, "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=subprocess_env(DJANGO_SETTINGS_MODULE="config.settings.test"),
        cwd=PROJECT_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not answers(port, host):
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            log.close()
            raise RuntimeError(f"runserver did not start; see {log_path}")
        time.sleep(0.2)
    yield GroupSite(
        base_url=f"http://{host}",
        username=group.manager_username,
        password=group.manager_password,
        hu_slugs=hu,
        other_slugs=with_facts - hu,
        beta=group.beta.entity,
    )
    server.terminate()
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()
    log_path.unlink(missing_ok=True)


@pytest.fixture
def page() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True)
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()
        chromium.close()


def _download(page: Any, link_id: str) -> bytes:
    with page.expect_download() as info:
        page.click(f"#{link_id}")
    path = info.value.path()
    return open(path, "rb").read()  # noqa: PTH123, SIM115


def test_group_dashboard_in_a_real_browser(group_site, page):
    expect = sync_api.expect
    expect.set_options(timeout=15_000)
    site = group_site

    page.goto(f"{site.base_url}/dashboard/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", site.username)
    page.fill("#id_password", site.password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/dashboard/"), page.url
    expect(page.locator("h1")).to_have_text("Group dashboard")
    assert page.locator("svg.chart").count() >= 4
    group_turnover = Decimal(page.locator('#totals [data-metric="turnover"]').inner_text())
    shown = set(page.locator("#entities tbody tr[data-entity]").evaluate_all("rows => rows.map(r => r.dataset.entity)"))
    assert site.hu_slugs | site.other_slugs <= shown

    # Filter: Hungary only.
    page.select_option("#filter-country", "HU")
    with page.expect_navigation(url=re.compile(r"country=HU")):
        page.get_by_role("button", name="Apply").click()
    shown = set(page.locator("#entities tbody tr[data-entity]").evaluate_all("rows => rows.map(r => r.dataset.entity)"))
    assert site.hu_slugs <= shown and not (shown & site.other_slugs)
    hu_turnover = Decimal(page.locator('#totals [data-metric="turnover"]').inner_text())
    assert hu_turnover < group_turnover

    # The export follows the filters: only Hungarian entities, the same EUR total.
    rows = list(csv.DictReader(io.StringIO(_download(page, "export-csv").decode())))
    assert rows and {r["country"] for r in rows} == {"HU"}
    assert sum(Decimal(r["turnover_eur"]) for r in rows) == hu_turnover
    xlsx = _download(page, "export-xlsx")
    assert xlsx[:2] == b"PK"  # a zip: an Office Open XML workbook

    # A bad filter: the page says why, with the code.
    page.goto(f"{site.base_url}/dashboard/?period_from=2025-06&period_to=2025-01")
    expect(page.locator("[role=alert]")).to_contain_text("federation_period_range_invalid")

    # Drill down to one entity from the table.
    page.goto(f"{site.base_url}/dashboard/")
    with page.expect_navigation(url=re.compile(rf"/dashboard/entities/{site.beta.public_id}/")):
        page.locator(f'#entities tr[data-entity="{site.beta.slug}"] a').click()
    expect(page.locator("h1")).to_contain_text(site.beta.display_name)
    assert page.locator("#months tbody tr").count() >= 1
    assert page.locator("#balances tbody tr").count() >= 1

    # Reconcile this entity: a task on the worker; the page follows its progress to the end.
    with page.expect_navigation(url=re.compile(r"/dashboard/jobs/[0-9a-f-]{36}/$")):
        page.get_by_role("button", name="Reconcile this entity with its books").click()
    expect(page.locator("#job-status")).to_have_attribute("data-status", "done", timeout=30_000)
    expect(page.locator("#reconciled")).to_be_visible()
    assert page.locator("#job-progress").get_attribute("value") == "100"
