"""Fault injection on the consolidation drain, with real processes: a worker killed with SIGKILL in
the middle of a drain (its transaction half done), then restarted. Nothing is lost and nothing is
counted twice: the group's facts reconcile to the cent with the entity's books. Figures (tasks
lost, events counted twice, seconds to recover) go to ``var/results/faults.json``.

Committed mode: no test transaction (the worker is another process and must see the data)."""

from __future__ import annotations

import datetime
import os
import tempfile
import time
import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from federation_api import consolidation
from federation_api.models import AppliedEvent, Fact
from tenants.ledger import consolidation_port as port
from tenants.ledger.models import AccountKind, EntryKind
from tenants.ledger.services import Posting, account, entry_post
from tests.conftest import PROJECT_DIR
from tests.faults.figures import record
from tests.guarantee.conftest import entity_for_test
from tests.guarantee.test_exactly_once import _kill_at, _start_worker, _wait


def _post(entity, n: int) -> None:
    with tenant_context(entity):
        for i in range(n):
            amount = Decimal(f"{10 + i}.00")
            entry_post(
                kind=EntryKind.INVOICE_ISSUED,
                on=datetime.date(2026, 1, 15),
                description="fault",
                source="test",
                postings=[
                    Posting(account(AccountKind.CLIENT_RECEIVABLE), amount, "EUR"),
                    Posting(account(AccountKind.LEVY_INCOME), -amount, "EUR"),
                ],
            )


@pytest.mark.worker
def test_a_worker_killed_mid_drain_then_restarted_loses_nothing_and_counts_nothing_twice(group, django_db_blocker):
    from federation_api.tasks import entity_drain

    queue = f"fault-drain-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        entity = entity_for_test("drain-kill")
        _post(entity, 12)
        with tenant_context(entity):
            waiting = port.unpublished_count()
        assert waiting == 12

        def send() -> None:
            with tenant_context(entity):
                entity_drain.apply_async(queue=queue)

        with tempfile.TemporaryDirectory() as faults:
            log_path = PROJECT_DIR / "var" / f"test-fault-drain-{os.getpid()}.log"
            # The drain has applied the events and marked them, not committed yet: kill it there.
            point = _kill_at("federation.drain.applied", faults, queue, log_path, send)
            # Nothing of the half-done transaction survived.
            with tenant_context(entity):
                assert port.unpublished_count() == 12
            assert not Fact.objects.filter(entity=entity).exists()
            assert not AppliedEvent.objects.filter(entity=entity).exists()

            point.unlink()
            restarted = time.monotonic()
            worker = _start_worker(queue, faults, log_path)
            try:
                send()
                send()  # the killed message may come back too: a second drain is harmless
                recovered = _wait(lambda: consolidation.entity_reconcile(entity=entity) == [], 60)
                recovery_seconds = time.monotonic() - restarted
                assert recovered, log_path.read_text()
                time.sleep(1)  # let the second message run
            finally:
                worker.terminate()
                worker.wait(15)
                log_path.unlink(missing_ok=True)

        assert consolidation.entity_reconcile(entity=entity) == []
        applied = AppliedEvent.objects.filter(entity=entity).count()
        entries = sum(Fact.objects.filter(entity=entity, account_kind="levy_income").values_list("entries", flat=True))
        levy = -sum(Fact.objects.filter(entity=entity, account_kind="levy_income").values_list("amount", flat=True))
        assert applied == 12 and entries == 12
        assert levy == sum(Decimal(f"{10 + i}.00") for i in range(12))
        with tenant_context(entity):
            assert port.unpublished_count() == 0
    record(
        drain_worker_killed=1,
        drain_events=12,
        drain_events_lost=12 - applied,
        drain_events_counted_twice=entries - 12,
        drain_seconds_to_recover=round(recovery_seconds, 2),
    )
