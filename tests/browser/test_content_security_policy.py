"""Pages under the Content-Security-Policy in a real browser: chromium reports every blocked script,
style or worker on the console; none may appear, and the pages must still work (the language selector
submits itself from a static script, Swagger UI and Redoc draw the partner API's description).

Skipped when Playwright or chromium is missing."""

from __future__ import annotations

from typing import Any

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from tests.browser.support import CHROMIUM, chromium, runserver  # noqa: E402

if CHROMIUM is None:
    pytest.skip("no chromium installed (apt-get install chromium)", allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


# Redoc's sidebar shows its maker's logo from their CDN: the policy blocks it, as it should.
EXPECTED_BLOCKS = ("https://cdn.redoc.ly/",)


def _watch(page: Any) -> list[str]:
    problems: list[str] = []

    def console(message: Any) -> None:
        if message.type != "error" or "Failed to load resource" in message.text:
            return  # failed loads are reported with their address below
        if not any(f"'{address}" in message.text for address in EXPECTED_BLOCKS):
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return problems


def test_pages_work_under_the_policy_with_nothing_blocked(group):
    with runserver("localhost") as port, chromium() as browser:
        base = f"http://localhost:{port}"
        page = browser.new_page()
        problems = _watch(page)

        response = page.goto(f"{base}/accounts/login/")
        assert response is not None and "default-src 'self'" in response.headers["content-security-policy"]
        assert page.eval_on_selector("body", "b => getComputedStyle(b).margin") == "0px"  # base.css applied
        with page.expect_navigation():
            page.select_option("select[name=language]", "de")
        assert page.locator("html").get_attribute("lang") == "de"
        assert page.locator("h1").inner_text() == "Anmelden"

        page.goto(f"{base}/api/v1/partner/docs/")
        page.wait_for_selector(".swagger-ui .info .title", timeout=20000)
        assert "partner" in page.locator(".swagger-ui .info .title").inner_text().lower()
        assert page.locator(".opblock").count() > 0

        page.goto(f"{base}/api/v1/partner/redoc/")
        page.wait_for_selector(".api-content h1", timeout=20000)
        assert page.locator("[role=search] input, input[placeholder]").count() > 0  # search worker started

        page.close()
        assert not problems, problems
