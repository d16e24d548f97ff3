"""Each entity's pages speak its default language (the person's choice wins), and carry the staff
navigation only for a signed-in person."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from .conftest import login, text, translated

pytestmark = pytest.mark.django_db

PAGES = ["member_list", "activity_list", "invoice_list", "client_list", "contract_list", "expense_list"]


@pytest.mark.parametrize(("who", "language"), [("alpha", "fr"), ("beta", "en"), ("gamma", "de")])
def test_the_staff_pages_speak_the_entitys_default_language(group, who, language):
    persona = getattr(group, who)
    browser = login(persona.entity, persona.host, persona.staff_username)
    response = browser.client.get("/members/", HTTP_HOST=persona.host, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert response["Content-Language"] == language
    page = text(response)
    assert f'<html lang="{language}">' in page
    title = translated(language, "Members")
    assert f"<title>{title}</title>" in page
    assert f"<h1>{title}</h1>" in page
    assert persona.canary in page  # the entity's own member is listed


def test_a_chosen_language_wins_over_the_entity_default(alpha):
    alpha.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = alpha.get("invoice_list")
    assert response["Content-Language"] == "nl"
    assert '<html lang="nl">' in text(response)


def test_every_list_page_has_the_staff_navigation(alpha):
    for name in PAGES:
        response = alpha.get(name)
        assert response.status_code == 200, name
        page = text(response)
        nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
        for href in ("/members/", "/activities/", "/declarations/new/", "/invoices/", "/ledger/"):
            assert f'href="{href}"' in nav
    anonymous = Client().get("/accounts/login/", HTTP_HOST=alpha.host)
    assert "<nav" not in text(anonymous)
