"""Group management's dashboard in a real browser (Playwright driving Debian's chromium): sign in on
the group domain, filter by country, drill down to one entity, export CSV and XLSX, and run a
reconciliation whose progress the page follows until a real Celery worker has finished it.

The server is ``manage.py runserver`` on the test database; the group's test entities are drained
and counted (committed) before it starts. Skipped when Playwright or chromium is missing."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from tests.browser.support import CHROMIUM, chromium, runserver  # noqa: E402

if CHROMIUM is None:
    pytest.skip("no chromium installed (apt-get install chromium)", allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@dataclass
class GroupSite:
    base_url: str
    username: str
    password: str
    hu_slugs: set[str]
    other_slugs: set[str]
    beta: Any


def _entity(slug: str, country: str, currency: str, company_number: str) -> Any:
    from tenants.registry.services import entity_create

    return entity_create(
        slug=slug,
        display_name=slug.replace("-", " ").title(),
        legal_name=f"{slug} SC",
        country=country,
        legal_form="SC",
        company_number=company_number,
        currency=currency,
        languages=["en"],
        default_language="en",
        staff_email=f"staff@{slug}.test",
    ).entity


def _books(entity: Any, amounts: list[str]) -> None:
    """A member and a few invoices' receivable and levy lines, posted (committed) in ``entity``."""
    import datetime

    from django_tenants.utils import tenant_context

    from tenants.ledger.models import AccountKind, EntryKind
    from tenants.ledger.services import Posting, account, entry_post
    from tests import factories

    with tenant_context(entity):
        factories.member()
        for i, amount in enumerate(amounts):
            entry_post(
                kind=EntryKind.INVOICE_ISSUED,
                on=datetime.date(2026, 1 + i, 15),
                description="dashboard",
                source="test",
                postings=[
                    Posting(account(AccountKind.CLIENT_RECEIVABLE), Decimal(amount), entity.currency),
                    Posting(account(AccountKind.LEVY_INCOME), -Decimal(amount), entity.currency),
                ],
            )


@pytest.fixture(scope="module")
def group_site(group, celery_worker_process, django_db_blocker) -> Iterator[GroupSite]:
    """Two entities of this test's own (the group's entities keep the state other tests assert),
    committed, drained and counted; the dashboard served by runserver on the group domain."""
    from federation_api import consolidation, membership
    from federation_api.models import DashboardJob

    suffix = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        be = _entity(f"t-dash-be-{suffix}", "BE", "EUR", "0403170701")
        hu = _entity(f"t-dash-hu-{suffix}", "HU", "HUF", "12892312")
        _books(be, ["1200.00", "800.00"])
        _books(hu, ["250000.00"])
        for entity in (be, hu):
            consolidation.entity_drain(entity=entity)
            membership.entity_census(entity=entity, force=True)
    with runserver("localhost") as port:
        yield GroupSite(
            base_url=f"http://localhost:{port}",
            username=group.manager_username,
            password=group.manager_password,
            hu_slugs={hu.slug},
            other_slugs={be.slug},
            beta=be,
        )
    with django_db_blocker.unblock():
        DashboardJob.objects.filter(entity__in=[be, hu]).delete()


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True)
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()


def _download(page: Any, link_id: str) -> bytes:
    with page.expect_download() as info:
        page.click(f"#{link_id}")
    return Path(info.value.path()).read_bytes()


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
