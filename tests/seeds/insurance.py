"""An insurance claim with a document for each test entity, canary in every text."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile


def seed(*, entity, canary: str) -> None:
    from shared_services.insurance.models import Coverage, InsurancePolicy
    from shared_services.insurance.services import claim_document_add, claim_report

    coverage = Coverage.objects.create(
        entity=entity,
        policy=InsurancePolicy.objects.get(number="GRP-CL-EU-2020"),
        member_id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        member_name=f"{canary}IM",
        language=entity.default_language,
        activity_id=uuid.uuid4(),
        activity_name=f"{canary}IA",
        performer_kind="wage",
        country=entity.country,
        starts_on=datetime.date(2026, 2, 2),
        ends_on=datetime.date(2026, 2, 6),
    )
    claim = claim_report(
        entity=entity,
        coverage=coverage,
        occurred_on=datetime.date(2026, 2, 3),
        description=f"{canary}ID",
        amount=Decimal("150.00"),
        by=f"{canary}IB",
    )
    claim_document_add(
        claim=claim,
        upload=SimpleUploadedFile(f"{canary}IF.pdf", b"%PDF-1.4 " + canary.encode(), content_type="application/pdf"),
        by=f"{canary}IU",
    )
