"""A legal case for each test entity: confidential content carries the canary plus "LX" (which even the
entity's own staff must never see), the content-free fields are fixed values."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile


def seed(*, entity, canary: str) -> None:
    from shared_services.legal_aid import services
    from shared_services.legal_aid.models import CaseParty, LegalCase

    secret = f"{canary}LX"
    case = LegalCase.objects.create(
        reference=f"LA-SEED-{entity.pk}",
        entity=entity,
        kind="individual",
        area="unpaid_client",
        opened_on=datetime.date(2026, 2, 1),
        requested_by=f"{secret}by",
        request=f"{secret}request",
        summary=f"{secret}summary",
    )
    CaseParty.objects.create(case=case, name=f"{secret}party", role="counterparty")
    services.case_deadline_add(case=case, due_on=datetime.date(2026, 12, 1), description=f"{secret}deadline")
    services.case_note_add(case=case, text=f"{secret}note", by=f"{secret}author")
    services.case_document_add(
        case=case, upload=SimpleUploadedFile(f"{secret}.pdf", b"%PDF-1.4 " + secret.encode()), by=f"{secret}up"
    )
