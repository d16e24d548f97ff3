"""The staff's daily flow in a real browser (Playwright driving Debian's chromium): sign in, register a
member, create their activity, add a client, declare a performance, record a payment, pay the contract,
with the exact figures each page shows; and a refused payment.

The web server is ``manage.py runserver`` on the test database, serving a fresh entity of its own
(the group's entities keep the books other tests assert). Skipped when Playwright or chromium is
missing, so the suite still passes on a machine without a browser."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from tests.browser.support import CHROMIUM, chromium, runserver  # noqa: E402

if CHROMIUM is None:
    pytest.skip("no chromium installed (apt-get install chromium)", allow_module_level=True)

from tests.conftest import PROJECT_DIR  # noqa: E402

# django_db: pytest-django only creates the test database when a collected test asks for it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SLUG = "t-browser"
STAFF_EMAIL = f"staff@{SLUG}.test"
D = Decimal


@dataclass
class Site:
    base_url: str
    password: str


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[Site]:
    """A fresh entity committed to the test database, served by runserver in a subprocess."""
    from tenants.registry.services import entity_create

    password = f"pw-browser-{uuid.uuid4().hex[:10]}"
    with django_db_blocker.unblock():
        entity_create(
            slug=SLUG,
            display_name="Browser Coop",
            legal_name="Browser Coop SC",
            country="BE",
            legal_form="SC",
            company_number="0403170701",
            currency="EUR",
            languages=["fr", "en"],
            default_language="fr",
            staff_email=STAFF_EMAIL,
            staff_password=password,
        )
    with runserver(f"{SLUG}.localhost") as port:
        yield Site(base_url=f"http://{SLUG}.localhost:{port}", password=password)


@pytest.fixture
def page() -> Iterator[Any]:
    """A fresh chromium page. Function-scoped on purpose: Playwright's sync API runs an event loop in
    this thread, and the test's database fixture must be set up before it starts (Django refuses
    database calls from a thread with a running loop)."""
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()


def public_id(page: Any, kind: str) -> str:
    """The public id of the object whose page the browser is on (``/<kind>/<uuid>/``)."""
    match = re.search(rf"/{kind}/([0-9a-f-]{{36}})/$", page.url)
    assert match, page.url
    return match.group(1)


def submit(page: Any, form: Any, button_text: str, url: str) -> None:
    """Click the form's button (by its French text) and wait for the page it leads to."""
    with page.expect_navigation(url=re.compile(url)):
        form.get_by_role("button", name=button_text, exact=True).click()


def money(page: Any, element_id: str) -> tuple[Decimal, str]:
    """The exact amount of ``<data id=...>`` and the text the page shows for it."""
    element = page.locator(f"data#{element_id}")
    return D(element.get_attribute("value")), element.inner_text()


def refusal_message(code: str, **details: Any) -> str:
    from django.utils import translation

    from tenants.billing import errors

    with translation.override("fr"):
        return str(errors.catalog.error(code, **details).message)


def test_staff_daily_flow_in_a_real_browser(site, page):
    sync_api.expect.set_options(timeout=15_000)
    expect = sync_api.expect

    # Signing in: the entity speaks French by default.
    page.goto(f"{site.base_url}/")
    assert "/accounts/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.locator("h1")).to_have_text("Se connecter")
    page.fill("#id_username", STAFF_EMAIL)
    page.fill("#id_password", site.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter", exact=True).click()
    assert "/accounts/login/" not in page.url
    expect(page.locator("header")).to_contain_text(STAFF_EMAIL)

    # Register a member.
    page.goto(f"{site.base_url}/members/new/")
    form = page.locator("main form")
    form.locator("#id_kind").select_option("natural")
    form.locator("#id_category").select_option("natural_user")
    page.fill("#id_first_name", "Frida")
    page.fill("#id_last_name", "Flowfield")
    page.fill("#id_birth_date", "1990-04-01")
    form.locator("#id_country").select_option("BE")
    form.locator("input[name=languages][value=fr]").check()
    page.fill("#id_iban", "BE71096123456769")
    submit(page, form, "Inscrire", r"/members/[0-9a-f-]{36}/$")
    member_id = public_id(page, "members")
    expect(page.locator("h1")).to_contain_text("Frida Flowfield")

    # Create an activity held by that member.
    page.goto(f"{site.base_url}/activities/new/")
    form = page.locator("main form")
    page.fill("#id_name", "Tournée du navigateur")
    form.locator("#id_currency").select_option("EUR")
    form.locator("#id_holder").select_option(member_id)
    form.locator("#id_stage").select_option("start")
    submit(page, form, "Créer", r"/activities/[0-9a-f-]{36}/$")
    activity_id = public_id(page, "activities")
    assert money(page, "balance-EUR")[0] == D("0.00")

    # A client.
    page.goto(f"{site.base_url}/clients/new/")
    form = page.locator("main form")
    page.fill("#id_name", "Salle du flux")
    form.locator("#id_country").select_option("BE")
    submit(page, form, "Ajouter", r"/clients/[0-9a-f-]{36}/$")
    client_id = public_id(page, "clients")

    # Declare the performance from the activity's link: one line of 2000.00 at 21 %, one wage of 600.00.
    page.goto(f"{site.base_url}/activities/{activity_id}/")
    with page.expect_navigation(url=re.compile(r"/declarations/new/")):
        page.get_by_role("link", name="Déclarer une prestation").click()
    form = page.locator("main form")
    expect(form.locator("#id_activity")).to_have_value(activity_id)
    form.locator("#id_client").select_option(client_id)
    form.locator("#id_document_kind").select_option("invoice")
    page.fill("#id_performed_from", "2026-05-08")
    page.fill("#id_performed_to", "2026-05-09")
    form.locator("#id_country").select_option("BE")
    page.fill("#id_lines-0-description", "Concert")
    page.fill("#id_lines-0-quantity", "1")
    page.fill("#id_lines-0-unit_price", "2000.00")
    form.locator("#id_lines-0-vat_rate").select_option("21")
    form.locator("#id_performers-0-member").select_option(member_id)
    page.fill("#id_performers-0-gross", "600.00")
    form.locator("#id_performers-0-kind").select_option("wage")
    submit(page, form, "Déclarer", r"/invoices/[0-9a-f-]{36}/$")
    invoice_url = page.url

    # The invoice: totals, the single percentage (6.5 % in Belgium), what is due.
    assert money(page, "total-net") == (D("2000.00"), "2000,00")
    assert money(page, "total-vat") == (D("420.00"), "420,00")
    assert money(page, "total-gross") == (D("2420.00"), "2420,00")
    assert money(page, "levy") == (D("130.00"), "130,00")
    assert money(page, "amount-due") == (D("2420.00"), "2420,00")
    expect(page.locator("#status")).to_have_attribute("data-status", "issued")

    # A partial payment of the client.
    form = page.locator("#payment-form")
    page.fill("#payment_amount", "1000.00")
    page.fill("#payment_received_on", "2026-05-20")
    page.fill("#payment_reference", "SEPA 1")
    submit(page, form, "Enregistrer le paiement", re.escape(invoice_url) + "$")
    assert money(page, "amount-due") == (D("1420.00"), "1420,00")
    expect(page.locator("#status")).to_have_attribute("data-status", "partly_paid")
    expect(page.locator("#payments tbody tr td")).to_have_text(["20 mai 2026", "1000,00 EUR", "SEPA 1"])

    # Refused: a payment larger than what is due; the translated message, the due amount unchanged.
    form = page.locator("#payment-form")
    page.fill("#payment_amount", "5000")
    page.fill("#payment_received_on", "2026-05-21")
    page.fill("#payment_reference", "")
    with page.expect_response(lambda response: "/payments/" in response.url) as refused:
        form.get_by_role("button", name="Enregistrer le paiement", exact=True).click()
    assert refused.value.status == 409
    page.wait_for_load_state()
    message = refusal_message("billing_payment_exceeds_due", amount=D("5000.00"), due=D("1420.00"))
    assert message.startswith("Le paiement"), message  # the French catalog, not the English source
    expect(page.locator("#payment_amount_error")).to_have_text(message)
    expect(page.locator("#payment_amount")).to_have_value("5000")
    assert money(page, "amount-due") == (D("1420.00"), "1420,00")
    expect(page.locator("#payments tbody tr")).to_have_count(1)

    # The activity: 2000 income - 130 levy - 810 wage cost (600 x 1.35).
    page.goto(f"{site.base_url}/activities/{activity_id}/")
    assert money(page, "balance-EUR") == (D("1060.00"), "1060,00")
    assert money(page, "levy-paid-EUR") == (D("130.00"), "130,00")

    # Pay the wage the declaration signed, from the activity's contract table.
    with page.expect_navigation(url=re.compile(r"/contracts/[0-9a-f-]{36}/$")):
        page.locator("table.contracts a[href*='/contracts/']").first.click()
    assert money(page, "gross") == (D("600.00"), "600,00")
    assert money(page, "employer-cost") == (D("810.00"), "810,00")
    form = page.locator("#pay-form")
    page.fill("#id_paid_on", "2026-05-31")
    submit(page, form, "Payer 810,00 EUR", re.escape(page.url) + "$")
    expect(page.locator("#status")).to_have_attribute("data-status", "paid")
    expect(page.locator("#pay-form")).to_have_count(0)

    # Paying a wage does not change the activity's balance (the cost was charged when signed).
    page.goto(f"{site.base_url}/activities/{activity_id}/")
    assert money(page, "balance-EUR") == (D("1060.00"), "1060,00")
    (PROJECT_DIR / "var").mkdir(exist_ok=True)
    page.screenshot(path=str(PROJECT_DIR / "var" / "browser-activity.png"), full_page=True)
