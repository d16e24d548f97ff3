"""Service use gated on cooperator status: the declaration check, active only once the rule is data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.errors import PlatformError
from governance import services
from governance.models import ServiceUse
from tenants.declarations.models import Declaration
from tenants.declarations.services import Performer, declare_performance
from tests import factories

from .helpers import activate_share_rule, make_cooperator

pytestmark = pytest.mark.django_db

VAT = {"BE": "21", "SE": "25", "HU": "27"}
CHECK = "governance.services.declaration_cooperator_check"


def _declare(entity, member=None, currency="EUR"):
    with tenant_context(entity):
        member = member or factories.member()
        activity = factories.activity(holder=member, currency=currency)
        return declare_performance(
            activity=activity,
            client=factories.client(),
            lines=[factories.line("1000.00", vat=VAT[entity.country])],
            performers=[Performer(member, Decimal("500.00"))],
            performed_from=datetime.date(2026, 3, 2),
            performed_to=datetime.date(2026, 3, 6),
            country="BE",
            by="alice",
        )


def _member(entity):
    with tenant_context(entity):
        return factories.member()


def _declarations(entity) -> int:
    with tenant_context(entity):
        return Declaration.objects.count()


@override_settings(DECLARATION_CHECKS=[CHECK])
def test_without_a_rule_in_force_nobody_is_gated(group):
    _declare(group.alpha.entity)
    assert ServiceUse.objects.count() == 0


@override_settings(DECLARATION_CHECKS=[CHECK])
@pytest.mark.parametrize("persona", ["alpha", "beta", "gamma"])
def test_a_non_cooperator_is_refused_in_every_entity_and_nothing_is_written(group, persona):
    activate_share_rule(per_year=1)
    entity = getattr(group, persona).entity
    member = _member(entity)
    before = _declarations(entity)
    with pytest.raises(PlatformError) as refused:
        _declare(entity, member, currency=entity.currency)
    assert refused.value.code == "governance_not_a_cooperator"
    assert refused.value.status == 409
    message = str(refused.value.message)
    assert member.display_name in message and "30.00 EUR" in message and "declare again" in message
    assert _declarations(entity) == before
    assert ServiceUse.objects.count() == 0


@override_settings(DECLARATION_CHECKS=[CHECK])
def test_one_share_per_year_of_service_use(group):
    activate_share_rule(per_year=1)
    entity = group.alpha.entity
    member = _member(entity)
    year = timezone.localdate().year
    coop = make_cooperator(member.person_id, shares=1, entity=entity)
    _declare(entity, member)
    assert list(ServiceUse.objects.values_list("person_id", "year")) == [(member.person_id, year)]
    # Declaring again the same year counts the year once.
    _declare(entity, member)
    assert ServiceUse.objects.filter(person_id=member.person_id).count() == 1

    # A use recorded last year: two years of use now require two shares.
    ServiceUse.objects.create(
        person_id=member.person_id, year=year - 1, first_entity=entity, first_on=datetime.date(year - 1, 5, 1)
    )
    before = _declarations(entity)
    with pytest.raises(PlatformError) as refused:
        _declare(entity, member)
    assert refused.value.code == "governance_shares_not_up_to_date"
    assert refused.value.details == {
        "name": member.display_name,
        "held": "1",
        "required": "2",
        "per_year": "1",
        "years": "2",
        "missing": "1",
    }
    assert _declarations(entity) == before
    services.shares_purchase(cooperator=coop, count=1, on=timezone.localdate(), by="t", request_key="one-more")
    _declare(entity, member)
    assert _declarations(entity) == before + 1


@override_settings(DECLARATION_CHECKS=[CHECK])
def test_the_rule_is_data_with_a_date(group):
    """A rule that takes effect tomorrow does not gate today; the latest rule in force applies."""
    today = timezone.localdate()
    rule = activate_share_rule(per_year=3, on=today + datetime.timedelta(days=1))
    _declare(group.beta.entity, currency="SEK")
    rule.delete()
    activate_share_rule(per_year=1, on=today - datetime.timedelta(days=10))
    activate_share_rule(per_year=2, on=today)
    member = _member(group.beta.entity)
    make_cooperator(member.person_id, shares=1, entity=group.beta.entity)
    with pytest.raises(PlatformError) as refused:
        _declare(group.beta.entity, member, currency="SEK")
    assert refused.value.details["required"] == "2"
