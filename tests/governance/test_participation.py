"""Ethics committees (referrals, opinions published once) and permanent participation (events with
attendance, contributions, numbered recommendations, the action plan)."""

from __future__ import annotations

import datetime

import pytest

from config.errors import PlatformError
from governance import services
from governance.models import ActionItem, Attendance, EthicsOpinion, EthicsReferral, Recommendation

from .helpers import make_cooperator

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 4, 2)


@pytest.mark.parametrize("seized_by", ["board", "managing_director", "self"])
def test_referral_opinion_and_publication(seized_by):
    referral = services.ethics_referral_create(
        committee="Comité d'éthique", seized_by=seized_by, subject="Sponsoring", question="?", received_on=DAY, by="t"
    )
    with pytest.raises(PlatformError) as refused:
        services.ethics_opinion_publish(referral=referral)
    assert refused.value.code == "governance_no_opinion"
    services.ethics_opinion_record(referral=referral, opinion="Non.", recommendations="Refuser.", adopted_on=DAY)
    with pytest.raises(PlatformError) as refused:
        services.ethics_opinion_record(referral=referral, opinion="Oui.", recommendations="", adopted_on=DAY)
    assert refused.value.code == "governance_opinion_already_recorded"
    opinion = services.ethics_opinion_publish(referral=referral)
    assert opinion.published_at is not None
    with pytest.raises(PlatformError) as refused:
        services.ethics_opinion_publish(referral=referral)
    assert refused.value.code == "governance_opinion_published"
    assert EthicsOpinion.objects.get(referral=referral).opinion == "Non."


def test_an_unknown_seizer_is_refused_and_nothing_written():
    before = EthicsReferral.objects.count()
    with pytest.raises(PlatformError) as refused:
        services.ethics_referral_create(
            committee="C", seized_by="the_press", subject="S", question="Q", received_on=DAY, by="t"
        )
    assert refused.value.code == "governance_unknown_choice"
    assert EthicsReferral.objects.count() == before


def test_events_attendance_recommendations_and_action_plan(group):
    event = services.participation_event_create(kind="workshop", theme="governance", title="Atelier", held_on=DAY)
    coop = make_cooperator(shares=1)
    services.attendance_record(event=event, cooperator=coop)
    with pytest.raises(PlatformError) as refused:
        services.attendance_record(event=event, cooperator=coop)
    assert refused.value.code == "governance_already_attended"
    assert Attendance.objects.filter(event=event).count() == 1
    services.contribution_add(theme="how", text="Plus d'outils", received_on=DAY, event=event, author=coop)
    first = services.recommendation_add(theme="governance", text="R1", made_on=DAY)
    second = services.recommendation_add(theme="how", text="R2", made_on=DAY)
    assert (first.number, second.number) == (1, 2)
    action = services.action_add(recommendation=first, action="Do it", owner="Board", due_on=DAY)
    with pytest.raises(PlatformError) as refused:
        services.action_status_set(item=action, status="done")
    assert refused.value.code == "governance_action_done_needs_date"
    assert ActionItem.objects.get(pk=action.pk).status == "planned"
    services.action_status_set(item=action, status="done", done_on=DAY)
    assert ActionItem.objects.get(pk=action.pk).done_on == DAY
    assert Recommendation.objects.count() == 2


def test_ethics_and_participation_pages(group):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from governance.models import ParticipationEvent
    from governance.services import governance_team_member_add

    user, _ = get_user_model().objects.get_or_create(username="ella@group.test")
    governance_team_member_add(user_id=user.pk)
    team = Client(HTTP_HOST="localhost")
    team.force_login(user)
    gina = Client(HTTP_HOST="localhost")
    gina.force_login(get_user_model().objects.get(username=group.manager_username))
    for url in ("/governance/ethics/", "/governance/participation/"):
        assert team.get(url).status_code == 200
        assert gina.get(url).status_code == 403
    assert gina.post("/governance/ethics/", {}).status_code == 403
    team.post(
        "/governance/ethics/",
        {"committee": "CE", "seized_by": "self", "subject": "Données", "question": "Q", "received_on": "2026-04-01"},
    )
    referral = EthicsReferral.objects.get(subject="Données")
    base = f"/governance/ethics/{referral.public_id}"
    assert team.post(f"{base}/publish/").status_code == 409
    team.post(f"{base}/opinion/", {"opinion": "Avis", "recommendations": "", "adopted_on": "2026-04-10"})
    assert team.post(f"{base}/publish/").status_code == 302
    assert "Published to cooperators" in team.get("/governance/ethics/").content.decode()
    team.post(
        "/governance/participation/event/",
        {"kind": "survey", "theme": "with_whom", "title": "Enquête", "held_on": "2026-04-01"},
    )
    event = ParticipationEvent.objects.get(title="Enquête")
    coop = make_cooperator(shares=1)
    url = f"/governance/participation/attendance/{event.public_id}/"
    assert team.post(url, {"person_id": coop.person_id}).status_code == 302
    twice = team.post(url, {"person_id": coop.person_id})
    assert twice.status_code == 409 and "already on the attendance list" in twice.content.decode()
    team.post("/governance/participation/recommendation/", {"theme": "how", "text": "R", "made_on": "2026-04-02"})
    recommendation = Recommendation.objects.get(text="R")
    team.post(
        f"/governance/participation/action/{recommendation.public_id}/",
        {"action": "A", "owner": "Board", "due_on": "2026-09-01"},
    )
    action = ActionItem.objects.get(recommendation=recommendation)
    refused = team.post(f"/governance/participation/status/{action.public_id}/", {"status": "done"})
    assert refused.status_code == 400
    assert ActionItem.objects.get(pk=action.pk).status == "planned"
    assert team.post("/governance/participation/nothing/").status_code == 404
