"""Logged-in browsers for the staff pages, and readers of what the pages show."""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_tenants.utils import tenant_context

from tenants.registry.models import Entity


@dataclass
class Browser:
    """A staff member's browser on their entity's subdomain."""

    entity: Entity
    host: str
    client: Client

    def get(self, name: str, query: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.get(reverse(name, kwargs=kwargs or None), query or {}, HTTP_HOST=self.host)

    def post(self, name: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(reverse(name, kwargs=kwargs or None), data or {}, HTTP_HOST=self.host)

    @contextmanager
    def inside(self) -> Iterator[None]:
        """Read or write the entity's tables directly (requests put the connection back on public)."""
        with tenant_context(self.entity):
            yield


def login(entity: Entity, host: str, username: str) -> Browser:
    client = Client()
    with tenant_context(entity):
        client.force_login(get_user_model().objects.get(username=username))
    return Browser(entity=entity, host=host, client=client)


@pytest.fixture
def books(group) -> Browser:
    """The staff of an entity with empty books (BE, EUR, French by default)."""
    entity = group.books_eur
    return login(entity, f"{entity.slug}.localhost", f"staff@{entity.slug}.test")


@pytest.fixture
def alpha(group) -> Browser:
    return login(group.alpha.entity, group.alpha.host, group.alpha.staff_username)


def text(response: HttpResponse) -> str:
    return response.content.decode()


def money(response: HttpResponse, element_id: str) -> Decimal:
    """The exact amount a page shows in ``<data id="..." value="...">``."""
    found = re.findall(rf'<data id="{re.escape(element_id)}" value="([^"]*)">', text(response))
    assert len(found) == 1, (element_id, found)
    return Decimal(found[0])


def created_id(response: HttpResponse) -> uuid.UUID:
    """The public id of what a successful form created (it redirects to the object's page)."""
    assert response.status_code == 302, (response.status_code, text(response)[:3000])
    match = re.search(r"/([0-9a-f-]{36})/$", response["Location"])
    assert match, response["Location"]
    return uuid.UUID(match.group(1))


def rows(response: HttpResponse, table_id: str) -> list[str]:
    """The text of each body row of the table whose id (or class) is ``table_id``, tags removed and
    spaces collapsed."""
    body = re.search(rf'<table[^>]*(?:id|class)="{table_id}"[^>]*>.*?<tbody>(.*?)</tbody>', text(response), re.S)
    assert body, table_id
    found = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in found]


@dataclass
class Declared:
    """Public ids of a declared performance's pieces."""

    member: uuid.UUID
    activity: uuid.UUID
    client: uuid.UUID
    invoice: uuid.UUID
    contracts: list[uuid.UUID]


def declare(
    browser: Browser,
    *,
    net: str = "1000.00",
    vat: str = "21",
    gross: list[str] | None = None,
    kind: str = "wage",
    on: datetime.date = datetime.date(2026, 5, 9),
    client_name: str = "Hall",
    last_name: str = "Artist",
    document_kind: str = "invoice",
) -> Declared:
    """A member, their activity and one declared performance, written through the services."""
    from tenants.billing.services import LineInput, client_create
    from tenants.declarations.services import Performer, declare_performance
    from tests import factories

    with browser.inside():
        member = factories.member(last_name=last_name)
        activity = factories.activity(holder=member, currency=browser.entity.currency)
        client = client_create(name=client_name, country="BE", is_funder=document_kind != "invoice")
        declaration = declare_performance(
            activity=activity,
            client=client,
            document_kind=document_kind,
            lines=[LineInput("Performance", Decimal(1), Decimal(net), Decimal(vat))],
            performers=[Performer(member, Decimal(amount), kind) for amount in gross or []],
            performed_from=on,
            performed_to=on,
            country="BE",
            on=on,
        )
        return Declared(
            member=member.public_id,
            activity=activity.public_id,
            client=client.public_id,
            invoice=declaration.invoice.public_id,
            contracts=list(declaration.contracts.values_list("public_id", flat=True)),
        )


def refusal(language: str, catalog: Any, code: str, **details: Any) -> str:
    """A service's refusal as a page in ``language`` shows it (HTML-escaped)."""
    from django.utils import translation
    from django.utils.html import escape

    with translation.override(language):
        return escape(str(catalog.error(code, **details).message))


def translated(language: str, message: str) -> str:
    from django.utils import translation

    with translation.override(language):
        return translation.gettext(message)


def shown(language: str, value: datetime.date | Decimal) -> str:
    """A date or an amount as a page in ``language`` shows it ("20 mai 2026", "1000,00")."""
    from django.utils import formats, translation

    with translation.override(language):
        if isinstance(value, datetime.date):
            return formats.date_format(value)
        return formats.number_format(value)
