"""The governance team's pages on the group domain: an assembly end to end in the browser's shoes."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from governance.models import (
    AgendaItem,
    Assembly,
    Ballot,
    CandidateList,
    Cooperator,
    Participation,
    ResolutionResult,
    ResolutionType,
    ShareClass,
    ShareTransaction,
)
from governance.services import governance_team_member_add

from .helpers import make_cooperator

pytestmark = pytest.mark.django_db
HOST = "localhost"


def _team() -> Client:
    user, _ = get_user_model().objects.get_or_create(username="greta@group.test", defaults={"is_staff": True})
    governance_team_member_add(user_id=user.pk)
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


def test_pages_are_for_the_governance_team_only(group):
    coop = make_cooperator(shares=1)
    gina = Client(HTTP_HOST=HOST)
    gina.force_login(get_user_model().objects.get(username=group.manager_username))
    team = _team()
    urls = [
        "/governance/",
        "/governance/cooperators/new/",
        f"/governance/cooperators/{coop.public_id}/",
        f"/governance/cooperators/{coop.public_id}/certificate.pdf",
        "/governance/assemblies/",
        "/governance/board/",
    ]
    staff = Client()
    with tenant_context(group.alpha.entity):
        staff.force_login(get_user_model().objects.get(username=group.alpha.staff_username))
    for url in urls:
        assert Client(HTTP_HOST=HOST).get(url).status_code == 302, url
        assert gina.get(url).status_code == 403, url  # a superuser is not in the team
        assert team.get(url).status_code == 200, url
        assert staff.get(url, HTTP_HOST=group.alpha.host).status_code == 404, url
    before = ShareTransaction.objects.count()
    response = gina.post(
        f"/governance/cooperators/{coop.public_id}/purchase/",
        {"count": 3, "on": "2026-01-01", "request_key": uuid.uuid4()},
    )
    assert response.status_code == 403
    assert ShareTransaction.objects.count() == before
    pdf = team.get(f"/governance/cooperators/{coop.public_id}/certificate.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_register_pages_admit_buy_and_refuse(group):
    team = _team()
    person = uuid.uuid4()
    response = team.post(
        "/governance/cooperators/new/",
        {
            "person_id": person,
            "kind": "natural",
            "display_name": "Zoë Kovács",
            "language": "de",
            "gender": "female",
            "category": "natural_user",
            "entity": group.gamma.entity.pk,
            "on": "2026-02-01",
            "shares": 2,
            "request_key": uuid.uuid4(),
        },
    )
    coop = Cooperator.objects.get(person_id=person)
    assert response.status_code == 302 and response["Location"] == f"/governance/cooperators/{coop.public_id}/"
    page = team.get("/governance/").content.decode()
    assert "Zoë Kovács" in page
    key = uuid.uuid4()
    for _ in range(2):  # the same form sent twice records once
        team.post(
            f"/governance/cooperators/{coop.public_id}/purchase/", {"count": 1, "on": "2026-02-02", "request_key": key}
        )
    share_class = ShareClass.objects.get(category="natural_user", nominal="30.00")
    assert ShareTransaction.objects.filter(to_cooperator=coop).count() == 2
    other = make_cooperator(shares=1)
    before = ShareTransaction.objects.count()
    refused = team.post(
        f"/governance/cooperators/{coop.public_id}/transfer/",
        {
            "to_person_id": other.person_id,
            "share_class": share_class.pk,
            "count": 4,
            "on": "2026-02-03",
            "request_key": uuid.uuid4(),
        },
    )
    assert refused.status_code == 409
    assert "holds 3 share(s)" in refused.content.decode()
    assert ShareTransaction.objects.count() == before
    assert team.post(f"/governance/cooperators/{coop.public_id}/dividend/", {}).status_code == 404


def test_an_assembly_end_to_end(group):
    team = _team()
    voters = [make_cooperator(shares=1 + i, on=datetime.date(2026, 1, 5), name=f"V{i}") for i in range(4)]
    now = timezone.now()
    response = team.post(
        "/governance/assemblies/",
        {
            "kind": "ordinary",
            "title": "AG 2026",
            "date": (now + datetime.timedelta(days=10)).date(),
            "record_date": now.date(),
            "remote_opens_at": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "remote_closes_at": (now + datetime.timedelta(days=9)).strftime("%Y-%m-%d %H:%M"),
            "proxy_limit": 1,
        },
    )
    assembly = Assembly.objects.get(title="AG 2026")
    base = f"/governance/assemblies/{assembly.public_id}"
    assert response.status_code == 302
    assert team.post(f"{base}/convene/").status_code == 409  # no agenda yet
    team.post(f"{base}/session/", {"place": "Gent", "starts_at": "2026-12-01 10:00"})
    ordinary = ResolutionType.objects.get(code="ordinary")
    team.post(f"{base}/item/", {"title": "Accounts 2025", "resolution_type": ordinary.pk})
    assert team.post(f"{base}/convene/").status_code == 302
    item = AgendaItem.objects.get(assembly=assembly)
    assert (
        team.post(
            f"{base}/proxy/", {"grantor_person_id": voters[0].person_id, "holder_person_id": voters[1].person_id}
        ).status_code
        == 302
    )
    over = team.post(
        f"{base}/proxy/", {"grantor_person_id": voters[2].person_id, "holder_person_id": voters[1].person_id}
    )
    assert over.status_code == 409
    vote = f"/governance/items/{item.public_id}/vote/"
    assert (
        team.post(
            vote,
            {
                "voter_person_id": voters[0].person_id,
                "choice": "for",
                "channel": "remote",
                "proxy_holder_person_id": voters[1].person_id,
            },
        ).status_code
        == 302
    )
    assert (
        team.post(vote, {"voter_person_id": voters[1].person_id, "choice": "against", "channel": "remote"}).status_code
        == 302
    )
    assert (
        team.post(vote, {"voter_person_id": voters[2].person_id, "choice": "for", "channel": "remote"}).status_code
        == 302
    )
    twice = team.post(vote, {"voter_person_id": voters[2].person_id, "choice": "against", "channel": "remote"})
    assert twice.status_code == 409 and "already voted" in twice.content.decode()
    stranger = team.post(vote, {"voter_person_id": uuid.uuid4(), "choice": "for", "channel": "remote"})
    assert stranger.status_code == 400 and "No cooperator has this person id." in stranger.content.decode()
    assert (Ballot.objects.filter(item=item).count(), Participation.objects.filter(item=item).count()) == (3, 3)
    assert team.post(f"{base}/close/").status_code == 302
    result = ResolutionResult.objects.get(item=item)
    assert (result.votes_for, result.votes_against, result.participants, result.adopted) == (2, 1, 3, True)
    page = team.get(f"{base}/").content.decode()
    assert "Adopted" in page and "Turnout: 3 of" in page


def test_board_page_lists_and_refuses_a_failing_final_list(group):
    team = _team()
    team.post("/governance/board/", {"name": "List 2027", "election_year": 2027})
    lst = CandidateList.objects.get(name="List 2027")
    man = make_cooperator(shares=1, gender="male")
    assert team.post(f"/governance/board/lists/{lst.public_id}/add/", {"person_id": man.person_id}).status_code == 302
    refused = team.post(f"/governance/board/lists/{lst.public_id}/finalise/")
    assert refused.status_code == 409
    assert "every category must be represented" in refused.content.decode()
    assert CandidateList.objects.get(pk=lst.pk).status == "draft"
