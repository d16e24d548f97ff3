"""A subsidy advance request and an equipment loan (with its schedule) for each test entity."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal


def seed(*, entity, canary: str) -> None:
    from shared_services.financing.models import EquipmentLoan, LoanInstalment, SubsidyAdvance

    SubsidyAdvance.objects.create(
        entity=entity,
        grant_id=uuid.uuid4(),
        grant_number="G-SEED",
        funder_name=f"{canary}FF",
        activity_id=uuid.uuid4(),
        activity_name=f"{canary}FA",
        currency=entity.currency,
        amount=Decimal("100.00"),
        requested_by=f"{canary}FR",
    )
    loan = EquipmentLoan.objects.create(
        entity=entity,
        activity_id=uuid.uuid4(),
        activity_name=f"{canary}FL",
        purpose=f"{canary}FP",
        currency=entity.currency,
        principal=Decimal("1200.00"),
        annual_rate=Decimal("0"),
        months=2,
        first_due_on=datetime.date(2027, 1, 1),
        requested_by=f"{canary}FB",
    )
    LoanInstalment.objects.create(
        loan=loan, number=1, due_on=datetime.date(2027, 1, 1), principal=Decimal("600.00"), interest=Decimal(0)
    )
