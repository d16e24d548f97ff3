"""Legal aid: requests from an entity's staff, the legal team's work on a case, and the read log."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from config.db import connection, dangerously_all_entities
from shared_services.documents import document_check
from tenants.registry.models import Entity

from . import errors
from .models import (
    CASE_TRANSITIONS,
    CaseAccessLog,
    CaseDeadline,
    CaseDocument,
    CaseNote,
    CaseParty,
    CaseStatus,
    LegalCase,
    PartyRole,
)


def _reference(on: datetime.date) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('legal-case-reference'))")
    with dangerously_all_entities():  # one numbering for the whole group, asked from any entity
        count = LegalCase.objects.filter(reference__startswith=f"LA-{on.year}-").count()
    return f"LA-{on.year}-{count + 1:04d}"


def case_request(
    *, entity: Entity, member_ids: list[uuid.UUID], kind: str, area: str, request: str, by: str
) -> LegalCase:
    """An entity's staff ask the legal team to help one member (individual) or several (collective).
    Runs in the entity's schema: the members are checked to be the entity's."""
    from tenants.members.legal_port import members_get

    if not (request or "").strip() or not member_ids:
        raise errors.catalog.error(errors.REQUEST_INVALID)
    members = members_get(member_ids)
    if len(members) != len(set(member_ids)):
        raise errors.catalog.error(errors.MEMBER_UNKNOWN, field="members")
    today = timezone.localdate()
    with transaction.atomic():
        case = LegalCase.objects.create(
            reference=_reference(today),
            entity=entity,
            kind=kind,
            area=area,
            opened_on=today,
            requested_by=by,
            request=request.strip(),
        )
        CaseParty.objects.bulk_create(
            CaseParty(case=case, member_id=m.member_id, name=m.display_name, role=PartyRole.MEMBER) for m in members
        )
    return case


def case_read_log(*, case: LegalCase, user_id: int, username: str, what: str, ip: str | None) -> None:
    CaseAccessLog.objects.create(case=case, user_id=user_id, username=username, what=what[:200], ip=ip)


def case_transition(*, case: LegalCase, to: str, outcome: str = "", outcome_note: str = "", by: str = "") -> LegalCase:
    with transaction.atomic():
        locked = LegalCase.objects.select_for_update().get(pk=case.pk)
        if to not in CASE_TRANSITIONS.get(locked.status, frozenset()):
            raise errors.catalog.error(
                errors.TRANSITION_INVALID,
                status=409,
                field="to",
                current=CaseStatus(locked.status).label,
                wanted=CaseStatus(to).label if to in CaseStatus.values else to,
            )
        if to == CaseStatus.CLOSED:
            if not outcome:
                raise errors.catalog.error(errors.OUTCOME_REQUIRED, field="outcome")
            locked.outcome, locked.outcome_note, locked.closed_on = outcome, outcome_note, timezone.localdate()
        locked.status = to
        locked.save()
        CaseNote.objects.create(case=locked, author=by, text=f"{CaseStatus(to).label}. {outcome_note}".strip())
    return locked


def _open(case: LegalCase) -> None:
    if case.status == CaseStatus.CLOSED:
        raise errors.catalog.error(errors.CASE_CLOSED, status=409)


def case_summary_set(*, case: LegalCase, summary: str) -> LegalCase:
    _open(case)
    case.summary = summary
    case.save(update_fields=["summary"])
    return case


def case_party_add(*, case: LegalCase, name: str, role: str) -> CaseParty:
    _open(case)
    return CaseParty.objects.create(case=case, name=name.strip()[:200], role=role)


def case_deadline_add(*, case: LegalCase, due_on: datetime.date, description: str) -> CaseDeadline:
    _open(case)
    return CaseDeadline.objects.create(case=case, due_on=due_on, description=description.strip()[:300])


def case_deadline_done(*, deadline: CaseDeadline) -> CaseDeadline:
    if deadline.done_at is None:
        deadline.done_at = timezone.now()
        deadline.save(update_fields=["done_at"])
    return deadline


def case_note_add(*, case: LegalCase, text: str, by: str) -> CaseNote:
    _open(case)
    return CaseNote.objects.create(case=case, author=by, text=text.strip())


def case_document_add(*, case: LegalCase, upload: UploadedFile, by: str) -> CaseDocument:
    _open(case)
    name = document_check(
        upload, catalog=errors.catalog, too_big=errors.DOCUMENT_TOO_BIG, wrong_type=errors.DOCUMENT_TYPE
    )
    document = CaseDocument(case=case, name=name, size=upload.size or 0, uploaded_by=by)
    document.file = upload  # type: ignore[assignment]
    document.save()
    return document
