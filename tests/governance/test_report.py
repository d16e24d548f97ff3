"""The social-purpose report: exact figures from the register and the entities' members."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_tenants.utils import tenant_context

from governance.models import ServiceUse
from governance.report import social_report, social_report_pdf
from governance.services import governance_team_member_add
from tenants.members.models import Member

from .helpers import make_cooperator

pytestmark = pytest.mark.django_db


def test_figures_are_exact(group):
    make_cooperator(shares=2, gender="female", entity=group.alpha.entity, on=datetime.date(2026, 2, 1))
    make_cooperator(shares=1, gender="male", entity=group.beta.entity, on=datetime.date(2026, 2, 1))
    make_cooperator(shares=4, category="legal_user", entity=group.beta.entity, on=datetime.date(2026, 2, 1))
    make_cooperator(shares=1, gender="female", entity=group.gamma.entity, on=datetime.date(2027, 2, 1))  # next year
    ServiceUse.objects.create(
        person_id=uuid.uuid4(), year=2026, first_entity=group.alpha.entity, first_on=datetime.date(2026, 3, 1)
    )
    from governance import services

    event = services.participation_event_create(
        kind="workshop", theme="governance", title="W", held_on=datetime.date(2026, 5, 1)
    )
    services.attendance_record(event=event, cooperator=make_cooperator(shares=1, on=datetime.date(2027, 1, 2)))
    recommendation = services.recommendation_add(theme="how", text="R", made_on=datetime.date(2026, 5, 2))
    services.action_add(recommendation=recommendation, action="A", owner="O", due_on=datetime.date(2026, 9, 1))
    report = social_report(year=2026)
    assert (report.events_by_kind, report.attendance, report.recommendations) == ({"workshop": 1}, 1, 1)
    assert report.actions_by_status == {"planned": 1}
    assert report.cooperators == 3
    assert report.cooperators_by_category == {"natural_user": 2, "legal_user": 1}
    assert report.cooperators_by_country == {"BE": 1, "SE": 2}
    assert report.cooperators_by_gender == {"female": 1, "male": 1}
    assert report.capital_by_category == {"natural_user": Decimal("90.00"), "legal_user": Decimal("120.00")}
    assert report.capital_total == Decimal("210.00")
    assert report.service_users == 1
    expected_members = 0
    for persona in group.all:
        with tenant_context(persona.entity):
            expected_members += Member.objects.count()
    assert sum(report.members_by_category.values()) >= expected_members > 0
    assert not report.board.ok  # no board seated in the test data
    for language in ("fr", "nl", "de", "en"):
        assert social_report_pdf(report=report, language=language).startswith(b"%PDF")


def test_report_pages_for_the_team(group):
    user, _ = get_user_model().objects.get_or_create(username="rita@group.test")
    governance_team_member_add(user_id=user.pk)
    team = Client(HTTP_HOST="localhost")
    team.force_login(user)
    page = team.get("/governance/report/2026/")
    assert page.status_code == 200 and "Social-purpose report 2026" in page.content.decode()
    pdf = team.get("/governance/report/2026.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    gina = Client(HTTP_HOST="localhost")
    gina.force_login(get_user_model().objects.get(username=group.manager_username))
    assert gina.get("/governance/report/2026/").status_code == 403
