"""Every user-facing string is translated in fr, nl, de, en; each entity speaks its default language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client

LOCALE = Path(settings.LOCALE_PATHS[0])


@pytest.mark.parametrize("language", ["fr", "nl", "de", "en"])
def test_catalog_is_complete(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalog = read_po(handle)

    def untranslated(string: str | tuple[str, ...]) -> bool:
        return not all(string) if isinstance(string, tuple) else not string

    missing = [message.id for message in catalog if message.id and untranslated(message.string)]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert missing == []
    assert fuzzy == []
    assert len(catalog) > 50


@pytest.mark.django_db
def test_an_entity_subdomain_speaks_the_entitys_default_language(group):
    # Alpha's default is French, Gamma's German, Beta's English: whatever the browser asks.
    pages = {
        group.alpha.host: "Se connecter",
        group.gamma.host: "Anmelden",
        group.beta.host: "Sign in",
    }
    for host, expected in pages.items():
        response = Client().get("/accounts/login/", HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="nl")
        assert expected in response.content.decode(), host
        assert response["Content-Language"] == {"Se connecter": "fr", "Anmelden": "de", "Sign in": "en"}[expected]


@pytest.mark.django_db
def test_a_chosen_language_wins_over_the_entity_default(group):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = client.get("/accounts/login/", HTTP_HOST=group.alpha.host)
    assert "Aanmelden" in response.content.decode()


@pytest.mark.django_db
def test_the_group_domain_follows_the_browser(group):
    response = Client().get("/accounts/login/", HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="de")
    assert "Anmelden" in response.content.decode()


@pytest.mark.django_db
def test_errors_are_translated(group):
    response = Client().get(
        "/", HTTP_HOST="nobody.localhost", HTTP_ACCEPT_LANGUAGE="fr", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 404
    message = response.json()["error"]["message"]
    assert message != "No entity of the SMart group answers on this address."
    assert "SMart" in message
