"""Cooperators vote themselves through a personal link: one link per voter and assembly sent with
the convocation (only its hash kept), valid during the remote window, in the cooperator's language,
every rule of the votes kept, and no table linking a voter to a secret ballot."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from governance import services
from governance.models import (
    AgendaItem,
    Assembly,
    Ballot,
    Participation,
    ResolutionResult,
    ResolutionType,
    VotingLink,
)
from governance.services import governance_team_member_add

from .helpers import make_cooperator

pytestmark = pytest.mark.django_db
HOST = "localhost"
LINK = re.compile(r"/governance/vote/([A-Za-z0-9_-]{40,})/")


def _team() -> Client:
    user, _ = get_user_model().objects.get_or_create(username="greta@group.test", defaults={"is_staff": True})
    governance_team_member_add(user_id=user.pk)
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


@pytest.fixture
def convened(group, mailoutbox, django_capture_on_commit_callbacks):
    """An assembly with two resolutions convened now, its remote window open; Nora (Dutch) holds
    Paul's proxy, Zoé has no e-mail address."""
    now = timezone.now()
    early = timezone.localdate() - datetime.timedelta(days=30)
    nora = make_cooperator(shares=1, name="Nora Nijs", language="nl", email="nora@example.test", on=early)
    paul = make_cooperator(shares=4, name="Paul Petit", language="fr", email="paul@example.test", on=early)
    ines = make_cooperator(shares=2, name="Ines Ivanova", language="de", email="ines@example.test", on=early)
    zoe = make_cooperator(shares=1, name="Zoé Zed", on=early)
    a = services.assembly_create(
        kind="ordinary",
        title="AG remote",
        date=timezone.localdate() + datetime.timedelta(days=7),
        record_date=timezone.localdate(),
        remote_opens_at=now - datetime.timedelta(hours=1),
        remote_closes_at=now + datetime.timedelta(days=5),
        proxy_limit=1,
        by="t",
    )
    services.agenda_item_add(assembly=a, title="Annual report")
    budget = services.agenda_item_add(
        assembly=a, title="Budget", resolution_type=ResolutionType.objects.get(code="ordinary")
    )
    statutes = services.agenda_item_add(
        assembly=a, title="Statutes", resolution_type=ResolutionType.objects.get(code="statutes_amendment")
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.assembly_convene(assembly=a, by="t")
    services.proxy_give(assembly=a, grantor=paul, holder=nora, by="t")
    tokens = {}
    for message in mailoutbox:
        match = LINK.search(message.body)
        assert match, message.body
        tokens[message.to[0]] = match.group(1)
    return {
        "assembly": a,
        "budget": budget,
        "statutes": statutes,
        "nora": nora,
        "paul": paul,
        "ines": ines,
        "zoe": zoe,
        "tokens": tokens,
        "mail": mailoutbox,
    }


def _state(a: Assembly):
    return (
        Ballot.objects.filter(item__assembly=a).count(),
        Participation.objects.filter(item__assembly=a).count(),
        list(VotingLink.objects.filter(assembly=a).order_by("pk").values_list("token_hash", "used_at")),
    )


def _field(item: AgendaItem, voter) -> str:
    return f"vote:{item.public_id}:{voter.public_id}"


def test_convening_sends_each_voter_one_link_in_their_language_and_keeps_only_its_hash(convened):
    a = convened["assembly"]
    links = VotingLink.objects.filter(assembly=a)
    assert links.count() == 4  # one per voter on the roll
    assert sorted(m.to[0] for m in convened["mail"]) == ["ines@example.test", "nora@example.test", "paul@example.test"]
    by_address = {m.to[0]: m for m in convened["mail"]}
    for address, language in (("nora@example.test", "nl"), ("paul@example.test", "fr"), ("ines@example.test", "de")):
        with translation.override(language):
            subject = gettext("SMart Coop: your personal link to vote (%(title)s)") % {"title": "AG remote"}
        assert by_address[address].subject == subject
    token = convened["tokens"]["nora@example.test"]
    nora_link = links.get(cooperator=convened["nora"])
    assert nora_link.token_hash == services.voting_token_hash(token) and token not in nora_link.token_hash
    assert nora_link.sent_to == "nora@example.test" and nora_link.sent_at is not None
    zoe_link = links.get(cooperator=convened["zoe"])
    assert zoe_link.sent_at is None and zoe_link.sent_to == ""
    assert len(set(convened["tokens"].values())) == 3
    with connection.cursor() as cursor:  # the token itself is in no column of the table
        cursor.execute(
            "SELECT count(*) FROM governance_votinglink WHERE row_to_json(governance_votinglink)::text LIKE %s",
            [f"%{token}%"],
        )
        assert cursor.fetchone()[0] == 0


def test_a_cooperator_votes_for_themselves_and_for_their_grantor_in_their_language(convened):
    a, budget, statutes = convened["assembly"], convened["budget"], convened["statutes"]
    nora, paul = convened["nora"], convened["paul"]
    url = f"/governance/vote/{convened['tokens']['nora@example.test']}/"
    client = Client(HTTP_HOST=HOST)
    page = client.get(url)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin" and page["Cache-Control"] == "no-store"
    html = page.content.decode()
    assert '<html lang="nl">' in html
    assert html.count('class="vote-line"') == 4  # two resolutions, for Nora and for Paul
    assert "Annual report" not in html  # information only: not put to the vote
    response = client.post(
        url,
        {
            _field(budget, nora): "for",
            _field(statutes, nora): "against",
            _field(budget, paul): "abstain",
            _field(statutes, paul): "",  # left blank: Paul's vote on the statutes stays open
        },
    )
    assert response.status_code == 302 and response["Location"] == f"{url}?recorded=3"
    assert sorted(Ballot.objects.filter(item=budget).values_list("choice", flat=True)) == ["abstain", "for"]
    assert list(Ballot.objects.filter(item=statutes).values_list("choice", flat=True)) == ["against"]
    remote = Participation.objects.filter(item__assembly=a, channel="remote")
    assert sorted(remote.values_list("cooperator__display_name", "by_proxy")) == [
        ("Nora Nijs", False),
        ("Nora Nijs", False),
        ("Paul Petit", True),
    ]
    assert VotingLink.objects.get(assembly=a, cooperator=nora).used_at is not None
    after = client.get(response["Location"]).content.decode()
    assert html.count('class="vote-line"') - after.count('class="vote-line"') == 3
    assert 'id="recorded"' in after
    team_page = _team().get(f"/governance/assemblies/{a.public_id}/").content.decode()
    assert convened["tokens"]["nora@example.test"] not in team_page
    row = re.search(rf'<tr data-cooperator="{nora.public_id}">.*?</tr>', team_page, re.S)
    assert row and "Used" in row.group(0) and "nora@example.test" in row.group(0)
    row = re.search(rf'<tr data-cooperator="{convened["zoe"].public_id}">.*?</tr>', team_page, re.S)
    assert row and "No e-mail address" in row.group(0) and "Not used" in row.group(0)


def test_voting_twice_is_refused_with_its_code_and_writes_nothing(convened):
    a, budget, nora = convened["assembly"], convened["budget"], convened["nora"]
    url = f"/governance/vote/{convened['tokens']['nora@example.test']}/"
    client = Client(HTTP_HOST=HOST)
    assert client.post(url, {_field(budget, nora): "for"}).status_code == 302
    before = _state(a)
    # The same sheet sent again (a second tab), with a new vote beside the one already cast: none counts.
    again = client.post(url, {_field(budget, nora): "against", _field(convened["statutes"], nora): "for"})
    assert again.status_code == 409
    html = again.content.decode()
    assert 'data-code="governance_already_voted"' in html
    assert "Nora Nijs heeft al over deze resolutie gestemd." in html  # in Nora's language
    assert _state(a) == before
    assert list(Ballot.objects.filter(item=budget).values_list("choice", flat=True)) == ["for"]


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({}, 400, "governance_voting_nothing_chosen"),
        ({"budget:nora": "yes"}, 400, "governance_unknown_choice"),
        ({"budget:ines": "for"}, 403, "governance_voting_not_on_the_sheet"),
        ({"vote:not-a-uuid:x": "for"}, 403, "governance_voting_not_on_the_sheet"),
        ({"budget:nora": "for", "annual:nora": "for"}, 403, "governance_voting_not_on_the_sheet"),
    ],
)
def test_bad_sheets_are_refused_and_write_nothing(convened, fields, status, code):
    a = convened["assembly"]
    annual = a.items.get(title="Annual report")
    things = {"budget": convened["budget"], "annual": annual}
    people = {"nora": convened["nora"], "ines": convened["ines"]}
    data = {}
    for key, value in fields.items():
        if key.startswith("vote:"):
            data[key] = value
        else:
            item, voter = key.split(":")
            data[_field(things[item], people[voter])] = value
    before = _state(a)
    response = Client(HTTP_HOST=HOST).post(f"/governance/vote/{convened['tokens']['nora@example.test']}/", data)
    assert response.status_code == status
    assert f'data-code="{code}"' in response.content.decode()
    assert _state(a) == before


def test_a_cooperator_who_gave_a_proxy_cannot_vote_through_their_link(convened):
    a, budget, paul = convened["assembly"], convened["budget"], convened["paul"]
    url = f"/governance/vote/{convened['tokens']['paul@example.test']}/"
    page = Client(HTTP_HOST=HOST).get(url).content.decode()
    assert '<html lang="fr">' in page and 'id="delegated"' in page and 'class="vote-line"' not in page
    before = _state(a)
    response = Client(HTTP_HOST=HOST).post(url, {_field(budget, paul): "for"})
    assert response.status_code == 409
    assert 'data-code="governance_voter_has_delegated"' in response.content.decode()
    assert _state(a) == before


def test_unknown_replaced_early_and_expired_links_are_refused_and_write_nothing(
    convened, django_capture_on_commit_callbacks
):
    a, budget, ines = convened["assembly"], convened["budget"], convened["ines"]
    client = Client(HTTP_HOST=HOST)
    old = convened["tokens"]["ines@example.test"]
    before = _state(a)
    unknown = client.post("/governance/vote/not-a-real-token-at-all/", {_field(budget, ines): "for"})
    assert unknown.status_code == 404 and 'data-code="governance_voting_link_unknown"' in unknown.content.decode()
    # A new link replaces the old one at once.
    with django_capture_on_commit_callbacks(execute=True):
        response = _team().post(f"/governance/assemblies/{a.public_id}/links/{ines.public_id}/")
    assert response.status_code == 302
    new = LINK.search(convened["mail"][-1].body).group(1)
    assert convened["mail"][-1].to == ["ines@example.test"] and new != old
    replaced = client.get(f"/governance/vote/{old}/")
    assert replaced.status_code == 404
    assert 'data-code="governance_voting_link_unknown"' in replaced.content.decode()
    assert client.get(f"/governance/vote/{new}/").status_code == 200
    # Before the window opens.
    Assembly.objects.filter(pk=a.pk).update(remote_opens_at=timezone.now() + datetime.timedelta(hours=1))
    early = client.post(f"/governance/vote/{new}/", {_field(budget, ines): "for"})
    assert early.status_code == 409
    assert 'data-code="governance_outside_the_voting_window"' in early.content.decode()
    assert '<html lang="de">' in early.content.decode()
    # After it closed.
    Assembly.objects.filter(pk=a.pk).update(
        remote_opens_at=timezone.now() - datetime.timedelta(days=2),
        remote_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    late = client.post(f"/governance/vote/{new}/", {_field(budget, ines): "for"})
    assert late.status_code == 410
    assert 'data-code="governance_voting_link_expired"' in late.content.decode()
    with translation.override("de"):
        expired = gettext("This voting link has expired: remote voting closed on %(closes)s.").split(":")[0]
    assert expired in late.content.decode()
    ballots, participations, _links = _state(a)
    assert (ballots, participations) == before[:2]


def test_links_end_when_the_assembly_closes_and_no_table_links_a_voter_to_a_ballot(convened):
    a, budget, statutes = convened["assembly"], convened["budget"], convened["statutes"]
    client = Client(HTTP_HOST=HOST)
    for address, voter, choice in (
        ("nora@example.test", convened["nora"], "for"),
        ("ines@example.test", convened["ines"], "against"),
    ):
        url = f"/governance/vote/{convened['tokens'][address]}/"
        assert client.post(url, {_field(budget, voter): choice, _field(statutes, voter): choice}).status_code == 302
    services.assembly_close(assembly=a, by="t")
    result = ResolutionResult.objects.get(item=budget)
    assert (result.eligible, result.participants, result.votes_for, result.votes_against) == (4, 2, 1, 1)
    # The ballot table names nothing but its item; the link table names no ballot.
    ballot_columns = {f.column for f in Ballot._meta.concrete_fields}
    assert ballot_columns == {"id", "item_id", "choice", "college"}
    assert not {f.related_model for f in VotingLink._meta.concrete_fields if f.is_relation} & {Ballot, Participation}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xmin::text FROM governance_votinglink WHERE assembly_id = %s AND used_at IS NOT NULL", [a.pk]
        )
        link_xmins = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT DISTINCT xmin::text FROM governance_ballot WHERE item_id = ANY(%s)", [[budget.pk, statutes.pk]]
        )
        ballot_xmins = {row[0] for row in cursor.fetchall()}
    assert len(link_xmins) == 2 and not link_xmins & ballot_xmins
    closed = client.get(f"/governance/vote/{convened['tokens']['nora@example.test']}/")
    assert closed.status_code == 410 and 'data-code="governance_voting_link_expired"' in closed.content.decode()


def test_the_team_opens_remote_voting_and_reissues_links(convened, capsys, django_capture_on_commit_callbacks):
    a, zoe = convened["assembly"], convened["zoe"]
    team = _team()
    Assembly.objects.filter(pk=a.pk).update(remote_opens_at=timezone.now() + datetime.timedelta(days=1))
    assert "Open remote voting now" in team.get(f"/governance/assemblies/{a.public_id}/").content.decode()
    assert team.post(f"/governance/assemblies/{a.public_id}/remote_open/").status_code == 302
    a.refresh_from_db()
    assert a.remote_opens_at <= timezone.now()
    again = team.post(f"/governance/assemblies/{a.public_id}/remote_open/")
    assert again.status_code == 409 and "Remote voting is already open" in again.content.decode()
    # No address: the team cannot mail it, nothing changes; the command prints it for the post.
    before = VotingLink.objects.get(assembly=a, cooperator=zoe).token_hash
    refused = team.post(f"/governance/assemblies/{a.public_id}/links/{zoe.public_id}/")
    assert refused.status_code == 409 and "Zoé Zed has no e-mail address" in refused.content.decode()
    assert VotingLink.objects.get(assembly=a, cooperator=zoe).token_hash == before
    with django_capture_on_commit_callbacks(execute=True):
        call_command("governance_voting_link", "--assembly", str(a.public_id), "--person", str(zoe.person_id))
    printed = capsys.readouterr().out
    token = LINK.search(printed).group(1)
    assert VotingLink.objects.get(assembly=a, cooperator=zoe).token_hash == services.voting_token_hash(token)
    assert Client(HTTP_HOST=HOST).get(f"/governance/vote/{token}/").status_code == 200
    stranger = make_cooperator(shares=1)
    with pytest.raises(Exception, match="governance_not_on_the_roll"):
        call_command("governance_voting_link", "--assembly", str(a.public_id), "--person", str(stranger.person_id))


def test_the_voting_page_does_not_exist_on_an_entity_domain(convened, group):
    token = convened["tokens"]["nora@example.test"]
    assert Client(HTTP_HOST=group.alpha.host).get(f"/governance/vote/{token}/").status_code == 404
    team_only = Client(HTTP_HOST=HOST).post(
        f"/governance/assemblies/{convened['assembly'].public_id}/links/{convened['nora'].public_id}/"
    )
    assert team_only.status_code == 302 and "/accounts/login/" in team_only["Location"]


def test_a_secret_vote_unknown_item_id_is_not_on_the_sheet(convened):
    with pytest.raises(Exception, match="not on your voting sheet"):
        services.remote_votes_cast(
            token=convened["tokens"]["nora@example.test"],
            votes=[services.RemoteVote(item_id=uuid.uuid4(), voter_id=convened["nora"].public_id, choice="for")],
        )
