"""The governance demo on test entities: every member a cooperator, a board that meets the rules,
an assembly convened, the rule in force, and a member declaring afterwards is let through."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import tenant_context

from governance import selectors, services
from governance.demo import governance_demo_setup
from governance.models import Assembly, Cooperator, GovernanceRule, RollEntry
from tenants.members.governance_port import members_for_register
from tenants.members.models import Member

pytestmark = pytest.mark.django_db


def test_demo_setup_is_complete_and_idempotent(group):
    entities = [group.alpha.entity, group.gamma.entity]
    for _ in range(2):
        governance_demo_setup(manager_username=group.manager_username, entities=entities)
    for entity in entities:
        with tenant_context(entity):
            people = {m.person_id for m in members_for_register()}
            assert people == set(Member.objects.values_list("person_id", flat=True))
        assert people and people <= set(Cooperator.objects.values_list("person_id", flat=True))
        assert all(selectors.shares_held(person_id=p) >= 1 for p in people)
    assert services.board_sitting_check(on=timezone.localdate()).ok
    assembly = Assembly.objects.get(title__startswith="Assemblée générale ordinaire")
    assert assembly.status == "convened" and RollEntry.objects.filter(assembly=assembly).count() >= len(people)
    assert GovernanceRule.objects.count() == 1
    manager = get_user_model().objects.get(username=group.manager_username)
    assert selectors.user_in_governance_team(user_id=manager.pk)
    assert assembly.record_date == timezone.localdate() and assembly.date > timezone.localdate()
    assert assembly.items.count() == 3 and assembly.sessions.count() == 3
    assert Cooperator.objects.filter(admitted_on=datetime.date(2026, 1, 5)).count() >= len(people)
