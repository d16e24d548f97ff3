"""The federation API: roles, exact consolidated figures with their EUR rate, drill-down, refusals."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Sum
from django.test import Client
from django_tenants.utils import tenant_context

from federation_api import consolidation
from federation_api.api_views import FederationApiView
from federation_api.models import Fact, ReferenceRate
from federation_api.rates import period_rates
from tenants.ledger.models import JournalLine
from tenants.ledger.money import round_amount

from .conftest import signed_in

pytestmark = pytest.mark.django_db
HOST = "localhost"
URLS = [
    "/api/v1/federation/figures/",
    "/api/v1/federation/activities/",
    "/api/v1/federation/guarantee/",
    "/api/v1/federation/freshness/",
    "/api/v1/federation/membership/",
    "/api/v1/federation/schema/",
    "/api/v1/federation/docs/",
    "/api/v1/federation/redoc/",
]


_client = signed_in


@pytest.fixture
def reader():
    user = get_user_model().objects.create_user(username="rita@group.test", password="x")
    user.groups.add(AuthGroup.objects.get_or_create(name="federation_reader")[0])
    return _client(user)


@pytest.fixture
def drained(group):
    for persona in group.all:
        consolidation.entity_drain(entity=persona.entity)
    return group


def test_every_endpoint_for_every_role(group, gina, reader, drained):
    staff = _client(get_user_model().objects.create_user(username="sam@group.test", is_staff=True))
    entity_url = f"/api/v1/federation/entities/{group.alpha.entity.public_id}/"
    for url in [*URLS, entity_url]:
        assert gina.get(url, HTTP_HOST=HOST).status_code == 200, url
        assert reader.get(url, HTTP_HOST=HOST).status_code == 200, url
        assert staff.get(url, HTTP_HOST=HOST).status_code == 403, url
        assert _client().get(url, HTTP_HOST=HOST).status_code == 403, url
    # An entity's staff: the federation API does not exist on a subdomain.
    alpha_staff = Client()
    with tenant_context(group.alpha.entity):
        alpha_staff.force_login(get_user_model().objects.get(username=group.alpha.staff_username))
        assert alpha_staff.get(URLS[0], HTTP_HOST=group.alpha.host).status_code == 404


def test_the_base_view_cannot_be_used_unscoped():
    with pytest.raises(ImproperlyConfigured):
        type("Unscoped", (FederationApiView,), {})
    with pytest.raises(ImproperlyConfigured):
        type("NoScopes", (FederationApiView,), {"roles": frozenset({"group_manager"})})
    with pytest.raises(ImproperlyConfigured):
        type("BadRole", (FederationApiView,), {"roles": frozenset({"anyone"}), "scopes": frozenset({"figures:read"})})


def _ledger(entity, **filters) -> dict[tuple[datetime.date, str], Decimal]:
    with tenant_context(entity):
        rows = JournalLine.objects.filter(**filters).values("entry__date", "currency", "amount")
        out: dict[tuple[datetime.date, str], Decimal] = {}
        for row in rows:
            key = (row["entry__date"].replace(day=1), row["currency"])
            out[key] = out.get(key, Decimal(0)) + row["amount"]
        return out


def test_figures_by_entity_equal_the_books_with_the_rate_shown(group, gina, drained):
    body = gina.get("/api/v1/federation/figures/", {"by": "entity"}, HTTP_HOST=HOST).json()
    rows = {(r["key"], r["period"], r["currency"]): r for r in body["rows"]}
    for persona in group.all:
        entity = persona.entity
        levy = _ledger(entity, account__kind="levy_income")
        turnover = _ledger(
            entity,
            entry__kind__in=["invoice_issued", "credit_note_issued", "funding_granted"],
            account__kind__in=["client_receivable", "funder_receivable", "vat_payable"],
        )
        assert levy and turnover
        for (period, currency), amount in levy.items():
            row = rows[(str(entity.public_id), f"{period:%Y-%m}", currency)]
            rate = period_rates(currencies={currency}, periods={period})[(currency, period)]
            assert row["figures"]["levy"]["amount"] == str(-amount)
            assert row["figures"]["levy"]["eur"] == str(round_amount(-amount / rate.rate, "EUR"))
            assert row["rate"]["eur_rate"] == str(rate.rate)
            assert row["figures"]["turnover"]["amount"] == str(turnover.get((period, currency), Decimal("0.00")))
            assert row["closed"] is False and row["as_of"] is not None
    total = sum(Decimal(r["figures"]["levy"]["eur"]) for r in body["rows"])
    assert Decimal(body["totals_eur"]["levy"]) == total
    # Group and country groupings add up to the same EUR totals.
    for by in ("group", "country"):
        other = gina.get("/api/v1/federation/figures/", {"by": by}, HTTP_HOST=HOST).json()
        assert other["totals_eur"] == body["totals_eur"]


def test_filters_keep_to_their_scope(group, gina, drained):
    beta = group.beta.entity
    body = gina.get("/api/v1/federation/figures/", {"entity": str(beta.public_id)}, HTTP_HOST=HOST).json()
    assert {r["key"] for r in body["rows"]} == {str(beta.public_id)}
    body = gina.get("/api/v1/federation/figures/", {"country": "hu", "by": "country"}, HTTP_HOST=HOST).json()
    assert {r["key"] for r in body["rows"]} == {"HU"}
    body = gina.get("/api/v1/federation/figures/", {"currency": "sek"}, HTTP_HOST=HOST).json()
    assert {r["currency"] for r in body["rows"]} == {"SEK"}
    drill = gina.get(f"/api/v1/federation/entities/{beta.public_id}/", HTTP_HOST=HOST).json()
    assert drill["entity"]["slug"] == beta.slug and drill["entity"]["closed"] is False
    assert {r["key"] for r in drill["figures"]["rows"]} == {str(beta.public_id)}
    consolidated = {(b["account_kind"], b["currency"]): Decimal(b["amount"]) for b in drill["balances"]}
    with tenant_context(beta):
        books = {
            (r["account__kind"], r["currency"]): r["t"]
            for r in JournalLine.objects.values("account__kind", "currency").annotate(t=Sum("amount"))
        }
    assert consolidated == books
    assert group.alpha.canary not in str(drill) and group.gamma.canary not in str(drill)


def test_closed_entities_stay_flagged(group, gina, drained):
    from django.utils import timezone

    from tenants.registry.models import Entity

    Entity.objects.filter(pk=group.gamma.entity.pk).update(status="closed", closed_at=timezone.now())
    body = gina.get("/api/v1/federation/figures/", {"by": "entity"}, HTTP_HOST=HOST).json()
    flags = {r["key"]: r["closed"] for r in body["rows"]}
    assert flags[str(group.gamma.entity.public_id)] is True
    assert flags[str(group.alpha.entity.public_id)] is False


def _refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code


def test_bad_input_is_refused_with_a_code(group, gina, drained):
    figures = "/api/v1/federation/figures/"
    future = (datetime.date.today().replace(day=28) + datetime.timedelta(days=5)).strftime("%Y-%m")  # noqa: DTZ011
    _refused(gina.get(figures, {"period_to": future}, HTTP_HOST=HOST), 400, "federation_period_in_future")
    _refused(gina.get(figures, {"period_from": "2026-13"}, HTTP_HOST=HOST), 400, "federation_period_invalid")
    _refused(gina.get(figures, {"currency": "XYZ"}, HTTP_HOST=HOST), 400, "federation_unknown_currency")
    _refused(gina.get(figures, {"by": "planet"}, HTTP_HOST=HOST), 400, "federation_invalid_choice")
    _refused(gina.get(figures, {"entity": str(uuid.uuid4())}, HTTP_HOST=HOST), 404, "federation_unknown_entity")
    _refused(gina.get(figures, {"entity": "nope"}, HTTP_HOST=HOST), 404, "federation_unknown_entity")
    _refused(gina.get(f"/api/v1/federation/entities/{uuid.uuid4()}/", HTTP_HOST=HOST), 404, "federation_unknown_entity")
    # A currency without a rate for a period with figures: an error naming both, never a zero.
    period = Fact.objects.filter(currency="SEK").order_by("period").values_list("period", flat=True).first()
    assert period is not None
    ReferenceRate.objects.filter(currency="SEK", day__year=period.year, day__month=period.month).delete()
    response = gina.get(figures, HTTP_HOST=HOST)
    _refused(response, 400, "federation_rate_missing")
    assert "SEK" in response.json()["error"]["message"]


def test_activities_by_stage_and_guarantee(group, gina, drained):
    stages = gina.get("/api/v1/federation/activities/", HTTP_HOST=HOST).json()
    assert stages and all(Decimal(s["turnover_eur"]) is not None for s in stages)
    turnover = gina.get("/api/v1/federation/figures/", HTTP_HOST=HOST).json()["totals_eur"]["turnover"]
    assert sum(Decimal(s["turnover_eur"]) for s in stages) == Decimal(turnover)
    fund = gina.get("/api/v1/federation/guarantee/", HTTP_HOST=HOST).json()
    assert set(fund) == {"positions", "exposure_by_entity"}
    fresh = gina.get("/api/v1/federation/freshness/", HTTP_HOST=HOST).json()
    assert {f["slug"]: f["last_drained_at"] is not None for f in fresh}[group.alpha.entity.slug] is True
