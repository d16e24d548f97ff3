"""Members (census of each entity), cooperators and share capital in the federation API: counted
independently from the entities' tables and the share register, month by month, per entity."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from federation_api import membership
from federation_api.models import MemberFact
from governance.models import ShareTransaction
from governance.services import shares_redeem
from tenants.members.models import Member
from tenants.registry.models import Entity
from tests import factories
from tests.governance.helpers import make_cooperator

pytestmark = pytest.mark.django_db
HOST = "localhost"
URL = "/api/v1/federation/membership/"


@pytest.fixture
def counted(group):
    for entity in Entity.objects.all():
        membership.entity_census(entity=entity, force=True)
    return group


def _members(entity) -> int:
    with tenant_context(entity):
        return Member.objects.count()


def test_the_census_counts_every_member_once_and_only_when_they_change(group, counted):
    alpha = group.alpha.entity
    assert sum(MemberFact.objects.filter(entity=alpha).values_list("joined", flat=True)) == _members(alpha)
    assert membership.entity_census(entity=alpha) is False  # unchanged table: not counted again
    with tenant_context(alpha):
        factories.member(category="natural_user")
    assert membership.entity_census(entity=alpha) is True
    assert sum(MemberFact.objects.filter(entity=alpha).values_list("joined", flat=True)) == _members(alpha)


def test_members_cooperators_and_capital_per_entity(group, counted, gina):
    alpha, beta = group.alpha.entity, group.beta.entity
    make_cooperator(entity=alpha, shares=3, category="natural_user", on=datetime.date(2024, 1, 15))
    make_cooperator(entity=alpha, shares=2, category="permanent_worker", on=datetime.date(2024, 3, 2))
    make_cooperator(entity=beta, shares=7, category="natural_user", on=datetime.date(2024, 3, 20))
    gone = make_cooperator(entity=beta, shares=1, category="natural_user", on=datetime.date(2024, 2, 1))
    klass = ShareTransaction.objects.filter(to_cooperator=gone).get().share_class
    shares_redeem(
        cooperator=gone, share_class=klass, count=1, on=datetime.date(2024, 4, 10), by="t", request_key=uuid.uuid4().hex
    )

    today = gina.get(URL, HTTP_HOST=HOST).json()
    rows = {r["slug"]: r for r in today["by_entity"]}
    for persona in group.all:
        assert rows[persona.entity.slug]["members"] == _members(persona.entity)
    assert today["members"] == sum(r["members"] for r in today["by_entity"])

    body = gina.get(URL, {"period_to": "2024-04"}, HTTP_HOST=HOST).json()
    rows = {r["slug"]: r for r in body["by_entity"]}
    assert body["members"] == 0  # the test entities' members all joined after April 2024
    assert rows[alpha.slug]["cooperators"] == 2
    assert rows[beta.slug]["cooperators"] == 1  # the redeemed cooperator holds nothing any more
    nominal = klass.nominal
    assert rows[alpha.slug]["share_capital"] == [{"currency": "EUR", "amount": str(5 * nominal)}]
    assert rows[beta.slug]["share_capital"] == [{"currency": "EUR", "amount": str(7 * nominal)}]
    # Month by month: before the redemption the cooperator still counted.
    points = {p["period"]: p for p in body["over_time"]}
    assert points["2024-03"]["cooperators"] - points["2024-04"]["cooperators"] == 1
    assert points["2024-02"]["share_capital"] and Decimal(points["2024-03"]["share_capital"][0]["amount"]) == (
        Decimal(points["2024-04"]["share_capital"][0]["amount"]) + nominal
    )
    # The group's total equals the register's own sum at nominal (independent count).
    held = Decimal(0)
    for tx in ShareTransaction.objects.filter(on__lte=datetime.date(2024, 4, 30)).select_related("share_class"):
        sign = (1 if tx.to_cooperator_id else 0) - (1 if tx.from_cooperator_id else 0)
        held += sign * tx.count * tx.share_class.nominal
    assert Decimal(body["share_capital"][0]["amount"]) == held
    # Filtered on one entity: only its figures.
    one = gina.get(URL, {"entity": str(beta.public_id), "period_to": "2024-04"}, HTTP_HOST=HOST).json()
    assert [r["slug"] for r in one["by_entity"]] == [beta.slug]
    assert one["cooperators"] == 1 and one["members"] == 0
    assert group.alpha.canary not in str(one)


def test_members_over_time_end_on_the_total(group, counted, gina):
    body = gina.get(URL, HTTP_HOST=HOST).json()
    assert body["over_time"][-1]["members"] == body["members"]
    assert sum(p["joined"] for p in body["over_time"]) <= body["members"]
    assert body["as_of"] is not None


def test_bad_filters_are_refused(group, gina):
    response = gina.get(URL, {"period_from": "2025-05", "period_to": "2025-01"}, HTTP_HOST=HOST)
    assert response.status_code == 400 and response.json()["error"]["code"] == "federation_period_range_invalid"
    response = gina.get(URL, {"country": "ZZ"}, HTTP_HOST=HOST)
    assert response.status_code == 400 and response.json()["error"]["code"] == "federation_invalid_choice"
