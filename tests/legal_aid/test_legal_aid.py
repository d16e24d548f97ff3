"""Legal aid: content for the legal team only, every read logged, the log append-only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django_tenants.utils import tenant_context

from config.errors import PlatformError
from shared_services.legal_aid import services
from shared_services.legal_aid.models import CaseAccessLog, CaseStatus, LegalCase
from shared_services.models import Team
from shared_services.services import team_member_add
from tenants.members.models import Member

pytestmark = pytest.mark.django_db


def _staff(persona) -> Client:
    client = Client()
    with tenant_context(persona.entity):
        client.force_login(get_user_model().objects.get(username=persona.staff_username))
    return client


def _lawyer() -> Client:
    user, _ = get_user_model().objects.get_or_create(username="lea@group.test", defaults={"is_staff": True})
    team_member_add(user_id=user.pk, team=Team.LEGAL)
    client = Client()
    client.force_login(user)
    return client


def test_an_entitys_own_staff_see_that_a_case_exists_never_its_content(group):
    for persona in group.all:
        page = _staff(persona).get("/services/legal/", HTTP_HOST=persona.host).content.decode()
        assert f"LA-SEED-{persona.entity.pk}" in page
        for anyone in group.all:  # no confidential canary of any entity, its own included
            assert f"{anyone.canary}LX" not in page
        for other in group.others(persona):
            assert f"LA-SEED-{other.entity.pk}" not in page


def test_the_group_manager_outside_the_legal_team_reads_nothing(group):
    case = LegalCase.objects.get(entity=group.alpha.entity)
    gina = Client()
    gina.force_login(get_user_model().objects.get(username=group.manager_username))
    before = CaseAccessLog.objects.count()
    for url in ("/services/legal/", f"/services/legal/cases/{case.public_id}/"):
        assert gina.get(url, HTTP_HOST="localhost").status_code == 403
    assert CaseAccessLog.objects.count() == before


def test_the_legal_team_reads_content_and_every_read_is_logged(group):
    case = LegalCase.objects.get(entity=group.beta.entity)
    lawyer = _lawyer()
    before = CaseAccessLog.objects.filter(case=case).count()
    for _ in range(3):
        page = lawyer.get(f"/services/legal/cases/{case.public_id}/", HTTP_HOST="localhost").content.decode()
        assert f"{group.beta.canary}LXsummary" in page
    document = case.documents.get()
    download = lawyer.get(
        f"/services/legal/cases/{case.public_id}/documents/{document.public_id}/", HTTP_HOST="localhost"
    )
    assert download.status_code == 200
    rows = list(CaseAccessLog.objects.filter(case=case).order_by("id").values_list("username", "what"))[before:]
    assert rows == [("lea@group.test", "case")] * 3 + [("lea@group.test", f"document {document.name}")]


def test_the_access_log_cannot_be_changed_or_deleted(group):
    case = LegalCase.objects.get(entity=group.gamma.entity)
    services.case_read_log(case=case, user_id=1, username="x", what="case", ip=None)
    for statement in (
        "UPDATE legal_aid_caseaccesslog SET username = 'y'",
        "DELETE FROM legal_aid_caseaccesslog",
        "TRUNCATE legal_aid_caseaccesslog",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)


def test_staff_request_help_for_their_own_members_only(group):
    alpha, beta = group.alpha, group.beta
    with tenant_context(alpha.entity):
        own = Member.objects.order_by("id").first()
    with tenant_context(beta.entity):
        foreign = Member.objects.order_by("id").first()
    assert own is not None and foreign is not None
    staff = _staff(alpha)
    before = LegalCase.objects.count()
    refused = staff.post(
        "/services/legal/new/",
        {"members": [str(foreign.public_id)], "kind": "individual", "area": "employment", "request": "help"},
        HTTP_HOST=alpha.host,
    )
    assert refused.status_code == 400 and LegalCase.objects.count() == before
    sent = staff.post(
        "/services/legal/new/",
        {"members": [str(own.public_id)], "kind": "individual", "area": "employment", "request": "SECRETREQ"},
        HTTP_HOST=alpha.host,
    )
    assert sent.status_code == 302
    case = LegalCase.objects.get(request="SECRETREQ")
    assert case.entity == alpha.entity and case.status == CaseStatus.REQUESTED
    assert list(case.parties.values_list("member_id", flat=True)) == [own.public_id]
    assert "SECRETREQ" not in staff.get("/services/legal/", HTTP_HOST=alpha.host).content.decode()


def test_case_transitions_and_closing_needs_an_outcome(group):
    case = LegalCase.objects.get(entity=group.alpha.entity)
    with pytest.raises(PlatformError) as jump:
        services.case_transition(case=case, to=CaseStatus.HEARING_SCHEDULED)
    assert jump.value.code == "legal_case_transition_invalid"
    case = services.case_transition(case=case, to=CaseStatus.OPENED)
    with pytest.raises(PlatformError) as no_outcome:
        services.case_transition(case=case, to=CaseStatus.CLOSED)
    assert no_outcome.value.code == "legal_outcome_required"
    case.refresh_from_db()
    assert case.status == CaseStatus.OPENED and case.closed_on is None
    case = services.case_transition(case=case, to=CaseStatus.CLOSED, outcome="settled", outcome_note="ok")
    assert (case.status, case.outcome) == ("closed", "settled")
    with pytest.raises(PlatformError) as closed:
        services.case_note_add(case=case, text="late", by="lea")
    assert closed.value.code == "legal_case_closed"


def test_the_legal_teams_additions_refuse_empty_input_and_write_nothing(group):
    case = LegalCase.objects.get(entity=group.beta.entity)
    lawyer = _lawyer()
    before = (case.parties.count(), case.deadlines.count(), case.notes.count(), case.documents.count())
    url = f"/services/legal/cases/{case.public_id}/"
    for data in (
        {"action": "deadline", "description": "Appeal"},  # no date
        {"action": "party", "party_name": " ", "party_role": "witness"},
        {"action": "note", "note": ""},
        {"action": "document"},  # no file
        {"action": "deadline_done"},
    ):
        assert lawyer.post(url, data, HTTP_HOST="localhost").status_code == 400, data
    assert (case.parties.count(), case.deadlines.count(), case.notes.count(), case.documents.count()) == before
