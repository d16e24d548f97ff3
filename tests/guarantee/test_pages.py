"""The fund's pages: its team on the group domain, each entity's staff on their subdomain."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_services.guarantee.models import FundMovement, MovementKind
from shared_services.models import Team
from shared_services.services import team_member_add
from tenants.payroll.models import Contract

from .conftest import declare, endow

pytestmark = pytest.mark.django_db


def _staff(persona) -> Client:
    client = Client()
    with tenant_context(persona.entity):
        client.force_login(get_user_model().objects.get(username=persona.staff_username))
    return client


def _fund_member() -> Client:
    user, _ = get_user_model().objects.get_or_create(username="fanny@group.test", defaults={"is_staff": True})
    team_member_add(user_id=user.pk, team=Team.GUARANTEE_FUND)
    client = Client()
    client.force_login(user)
    return client


def test_group_pages_are_for_the_funds_team_only(group):
    gina = Client()
    gina.force_login(get_user_model().objects.get(username=group.manager_username))
    team = _fund_member()
    for url in ("/services/guarantee/", "/services/guarantee/movements/", "/services/guarantee/claims/"):
        assert gina.get(url, HTTP_HOST="localhost").status_code == 403
        assert Client().get(url, HTTP_HOST="localhost").status_code == 302
        response = team.get(url, HTTP_HOST="localhost")
        assert response.status_code == 200, url
    # The group pages do not exist on a subdomain.
    assert _staff(group.alpha).get("/services/guarantee/movements/", HTTP_HOST=group.alpha.host).status_code == 404


def test_an_entitys_staff_see_their_own_fund_page_only(group):
    page = _staff(group.alpha).get("/services/guarantee/", HTTP_HOST=group.alpha.host)
    body = page.content.decode()
    assert page.status_code == 200
    assert f"{group.alpha.canary}GS" in body
    for other in group.others(group.alpha):
        assert other.canary not in body


def test_paying_another_entitys_contract_is_not_found(group):
    with tenant_context(group.beta.entity):
        contract = Contract.objects.order_by("id").first()
        assert contract is not None
        contract_id = contract.public_id
    response = _staff(group.alpha).post(f"/services/guarantee/wages/{contract_id}/pay/", HTTP_HOST=group.alpha.host)
    assert response.status_code == 404
    with tenant_context(group.beta.entity):
        assert Contract.objects.get(public_id=contract_id).status == "signed"


def test_staff_pay_a_due_wage_the_fund_advances_and_the_team_sees_it(fund_entities, committed, group):
    """The issue's story: declared, client has not paid, the wage paid on time by the fund's advance,
    visible to the fund's team with the exposure."""
    from tests.guarantee.conftest import entity_for_test

    entity = entity_for_test("story")
    endow("5000.00")
    performed_to = timezone.localdate() - datetime.timedelta(days=21)
    perf = declare(entity, to=performed_to)
    from tenants.registry.models import Domain

    host = Domain.objects.get(tenant=entity, is_primary=True).domain
    staff = Client()
    with tenant_context(entity):
        staff.force_login(get_user_model().objects.filter(is_staff=True).first())
    response = staff.post(f"/services/guarantee/wages/{perf.contract_id}/pay/", HTTP_HOST=host, follow=True)
    assert response.status_code == 200
    assert "675.00" in response.content.decode()
    movement = FundMovement.objects.get(subject_id=perf.contract_id, kind=MovementKind.ADVANCE)
    with tenant_context(entity):
        from shared_services.guarantee.services import movement_execute

        movement_execute(movement_id=movement.public_id)  # what the worker does after commit
    page = staff.get("/services/guarantee/", HTTP_HOST=host).content.decode()
    assert "Advanced by the fund" in page
    team_page = _fund_member_story().get("/services/guarantee/", HTTP_HOST="localhost").content.decode()
    assert entity.display_name in team_page
    assert str(Decimal("675.00")) in team_page


def _fund_member_story() -> Client:
    user, _ = get_user_model().objects.get_or_create(username="felix@group.test", defaults={"is_staff": True})
    team_member_add(user_id=user.pk, team=Team.GUARANTEE_FUND)
    client = Client()
    client.force_login(user)
    return client
