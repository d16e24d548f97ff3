"""The governance API: team only, refusals in the common error format, nothing written on refusal."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from governance import services
from governance.models import Ballot, Participation, ResolutionType
from governance.services import governance_team_member_add

from .helpers import make_cooperator

pytestmark = pytest.mark.django_db


def _team() -> Client:
    user, _ = get_user_model().objects.get_or_create(username="api@group.test")
    governance_team_member_add(user_id=user.pk)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def test_api_is_for_the_team_and_votes_once(group):
    voters = [make_cooperator(shares=1, on=datetime.date(2026, 1, 5)) for _ in range(2)]
    now = timezone.now()
    assembly = services.assembly_create(
        kind="extraordinary",
        title="AGE",
        date=now.date() + datetime.timedelta(days=3),
        record_date=now.date(),
        remote_opens_at=now - datetime.timedelta(hours=1),
        remote_closes_at=now + datetime.timedelta(days=2),
        proxy_limit=1,
        by="t",
    )
    item = services.agenda_item_add(
        assembly=assembly, title="Statutes", resolution_type=ResolutionType.objects.get(code="statutes_amendment")
    )
    services.assembly_convene(assembly=assembly, by="t")
    gina = Client(HTTP_HOST="localhost")
    gina.force_login(get_user_model().objects.get(username=group.manager_username))
    team = _team()
    for url in (
        "/governance/api/cooperators/",
        "/governance/api/capital/",
        f"/governance/api/assemblies/{assembly.public_id}/",
    ):
        assert gina.get(url).status_code == 403
        assert team.get(url).status_code == 200
    vote = f"/governance/api/items/{item.public_id}/votes/"
    body = {"voter_person_id": str(voters[0].person_id), "choice": "for"}
    assert gina.post(vote, body, content_type="application/json").status_code == 403
    assert team.post(vote, body, content_type="application/json").json() == {"recorded": True}
    again = team.post(vote, {**body, "choice": "against"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "governance_already_voted"
    stranger = team.post(vote, {"voter_person_id": str(uuid.uuid4()), "choice": "for"}, content_type="application/json")
    assert stranger.status_code == 404 and stranger.json()["error"]["code"] == "governance_unknown_person"
    bad = team.post(
        vote, {"voter_person_id": str(voters[1].person_id), "choice": "maybe"}, content_type="application/json"
    )
    assert bad.status_code == 400
    assert (Ballot.objects.filter(item=item).count(), Participation.objects.filter(item=item).count()) == (1, 1)
    services.assembly_close(assembly=assembly, by="t")
    result = team.get(f"/governance/api/assemblies/{assembly.public_id}/").json()["items"][0]["result"]
    assert result == {
        "eligible": result["eligible"],
        "participants": 1,
        "for": 1,
        "against": 0,
        "abstain": 0,
        "share_for": "1/1",
        "quorum_met": 50 * result["eligible"] <= 100,
        "majority_met": True,
        "adopted": 50 * result["eligible"] <= 100,
    }
