"""A fund movement of each test entity whose every text carries the entity's canary."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal


def seed(*, entity, canary: str) -> None:
    from shared_services.guarantee.models import FundMovement, MovementStatus

    FundMovement.objects.create(
        idempotency_key=f"seed:{canary}",
        kind="advance",
        status=MovementStatus.CANCELLED,
        entity=entity,
        activity_id=uuid.uuid4(),
        activity_name=f"{canary}GA",
        client_id=uuid.uuid4(),
        client_name=f"{canary}GC",
        subject_id=uuid.uuid4(),
        subject_label=f"{canary}GS",
        currency=entity.currency,
        amount=Decimal("1.00"),
        value_date=datetime.date(2026, 1, 5),
        note=f"{canary}GN",
    )
