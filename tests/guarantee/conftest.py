"""Entities of the guarantee-fund tests, in committed mode (real transactions, real commits: the
fund's exactly-once guarantees are about concurrent transactions, which a rolled-back test cannot
show). Each module gets its own entities; the fund's figures are compared before/after."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from tenants.registry.models import Entity

COMPANY_NUMBER = "0417497106"  # a valid Belgian number (mod 97); not unique across entities


def entity_for_test(slug_hint: str, company_number: str = COMPANY_NUMBER) -> Entity:
    from tenants.registry.services import entity_create

    slug = f"t-{slug_hint}-{uuid.uuid4().hex[:6]}"
    return entity_create(
        slug=slug,
        display_name=slug,
        legal_name=slug,
        country="BE",
        legal_form="SC",
        company_number=company_number,
        currency="EUR",
        languages=["en"],
        default_language="en",
        staff_email=f"staff@{slug}.test",
    ).entity


@dataclass
class Performance:
    entity: Entity
    contract_id: uuid.UUID
    invoice_id: uuid.UUID
    activity_id: uuid.UUID


def declare(entity: Entity, *, gross: str = "500.00", net: str = "1000.00", to: datetime.date) -> Performance:
    """One performance (Mon-Fri of ``to``'s week), one wage, a client who has not paid."""
    from tenants.declarations.services import Performer, declare_performance
    from tests import factories

    with tenant_context(entity):
        holder = factories.member()
        activity = factories.activity(holder=holder)
        declaration = declare_performance(
            activity=activity,
            client=factories.client(),
            lines=[factories.line(net)],
            performers=[Performer(holder, Decimal(gross))],
            performed_from=to - datetime.timedelta(days=4),
            performed_to=to,
            country="BE",
            by="alice",
        )
        contract = declaration.contracts.get()
        return Performance(entity, contract.public_id, declaration.invoice.public_id, activity.public_id)


@pytest.fixture(scope="module")
def fund_entities(group, django_db_blocker):
    with django_db_blocker.unblock():
        yield [entity_for_test("fund") for _ in range(2)]


@pytest.fixture
def committed(django_db_blocker):
    with django_db_blocker.unblock():
        yield


def endow(amount: str, currency: str = "EUR") -> None:
    from shared_services.guarantee.services import guarantee_endow

    guarantee_endow(amount=Decimal(amount), currency=currency, key=uuid.uuid4().hex, on=datetime.date(2026, 1, 1))
