"""Builders for entity-side test data; call them inside an entity's context."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from tenants.activities.models import Activity
from tenants.activities.services import activity_create
from tenants.billing.models import Client
from tenants.billing.services import LineInput, client_create
from tenants.members.models import Member
from tenants.members.services import member_create

DAY = datetime.date(2026, 3, 2)
_counter = itertools.count(1)


def member(**overrides: object) -> Member:
    n = next(_counter)
    fields: dict[str, object] = {
        "kind": "natural",
        "category": "natural_user",
        "first_name": f"Ada{n}",
        "last_name": f"Artist{n}",
        "birth_date": datetime.date(1990, 1, 1) + datetime.timedelta(days=n),
        "email": f"ada{n}@example.test",
        "iban": "BE71096123456769",
    }
    fields.update(overrides)
    return member_create(**fields)  # type: ignore[arg-type]


def activity(holder: Member | None = None, currency: str = "EUR", name: str | None = None) -> Activity:
    return activity_create(
        name=name or f"Activity {next(_counter)}", currency=currency, holder=holder or member(), on=DAY, stage="start"
    )


def client(is_funder: bool = False) -> Client:
    return client_create(name=f"Client {next(_counter)}", country="BE", is_funder=is_funder)


def line(amount: str, vat: str = "21", qty: str = "1") -> LineInput:
    return LineInput(
        description="Performance", quantity=Decimal(qty), unit_price=Decimal(amount), vat_rate=Decimal(vat)
    )


@pytest.fixture
def in_books_eur(group):
    """Run the test inside an entity with empty books (BE, EUR)."""
    with tenant_context(group.books_eur):
        yield group.books_eur


@pytest.fixture
def in_books_huf(group):
    """Run the test inside an entity with empty books (HU, HUF, whole forints)."""
    with tenant_context(group.books_huf):
        yield group.books_huf


def broker_down(*args: object, **kwargs: object) -> None:
    """Stands for a task's ``apply_async`` while the broker does not answer (monkeypatch it in)."""
    from kombu.exceptions import OperationalError

    raise OperationalError("connection refused")
