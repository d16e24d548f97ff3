"""The fund's periodic jobs and the broker being down when a payout is decided."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django_tenants.utils import tenant_context
from kombu.exceptions import OperationalError

from shared_services.guarantee import services
from shared_services.guarantee.models import ExposureSnapshot, FundMovement
from tenants.registry.models import Entity, EntityStatus

from .conftest import declare, endow

FRIDAY = datetime.date(2026, 3, 6)
DUE = datetime.date(2026, 3, 17)


def test_a_payout_decided_while_the_broker_is_down_is_paid_once_when_it_returns(fund_entities, committed, monkeypatch):
    from shared_services.guarantee.tasks import movement_execute

    entity = fund_entities[0]
    endow("5000.00")
    perf = declare(entity, to=FRIDAY)

    def broker_down(*args, **kwargs):
        raise OperationalError("[Errno 111] Connection refused")

    monkeypatch.setattr(movement_execute, "apply_async", broker_down)
    with tenant_context(entity):
        movement = services.guarantee_wage_pay(contract_id=perf.contract_id, on=DUE)  # no error for the caller
    assert movement is not None
    movement.refresh_from_db()
    assert movement.status == "decided"  # the decision is kept, nothing paid yet
    monkeypatch.undo()

    def execute_here(pending: FundMovement) -> None:  # what the worker does with the swept message
        with tenant_context(pending.entity):
            services.movement_execute(movement_id=pending.public_id)

    assert services.movements_resend(older_than=datetime.timedelta(0), send=execute_here) >= 1
    assert services.movements_resend(older_than=datetime.timedelta(0), send=execute_here) == 0
    movement.refresh_from_db()
    assert movement.status == "executed"


def test_the_daily_run_reaches_every_open_entity_once_and_snapshots_the_fund(fund_entities, committed):
    sent: list[tuple[str, datetime.date]] = []
    day = datetime.date(2026, 6, 1)
    count = services.guarantee_daily_fan_out(on=day, send=lambda entity, on: sent.append((entity.slug, on)))
    open_entities = Entity.objects.exclude(status=EntityStatus.CLOSED).exclude(schema_name="public")
    assert sorted(slug for slug, _ in sent) == sorted(open_entities.values_list("slug", flat=True))
    assert count == len(sent) and {on for _, on in sent} == {day}
    snapshots = ExposureSnapshot.objects.filter(taken_on=day, entity=None)
    assert snapshots.filter(currency="EUR").exists()
    again = services.exposure_snapshot_take(on=day)  # idempotent per day
    assert again == 0
    # Running an entity's own day twice pays nothing twice.
    with tenant_context(fund_entities[1]):
        first = services.guarantee_entity_daily(on=day)
        second = services.guarantee_entity_daily(on=day)
    assert second["paid"] == second["advanced"] == 0
    assert first["refused"] == second["refused"]
    assert Decimal(0) <= snapshots.get(currency="EUR").cash
