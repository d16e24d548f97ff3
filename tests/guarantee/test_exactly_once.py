"""Payouts are exactly-once, and the fund never exceeds its limits, under real concurrency and with a
real worker killed (SIGKILL) in the middle of a payout."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection as default_connection
from django.db.models import Sum
from django_tenants.utils import tenant_context

from config.errors import PlatformError
from shared_services.guarantee import services
from shared_services.guarantee.models import FundLimit, FundMovement, MovementKind
from shared_services.guarantee.selectors import exposure
from shared_services.models import PoolEntry, PoolLine
from tenants.ledger.models import EntryKind, JournalEntry
from tenants.ledger.selectors import trial_balance
from tenants.payroll.models import Contract

from ..conftest import PROJECT_DIR, subprocess_env
from .conftest import declare, endow

FRIDAY = datetime.date(2026, 3, 6)
DUE = datetime.date(2026, 3, 17)


def _run_threads(count: int, work, threads: int = 20) -> list[object]:
    """Run ``work(0..count-1)`` on ``threads`` threads (each with its own database connection; the
    server's connection limit is shared with the rest of the suite), all released at once."""
    results: list[object] = [None] * count
    barrier = threading.Barrier(min(threads, count))

    def runner(indexes: list[int]) -> None:
        try:
            barrier.wait()
            for index in indexes:
                try:
                    results[index] = work(index)
                except Exception as error:
                    results[index] = error
        finally:
            default_connection.close()

    shares = [list(range(start, count, threads)) for start in range(min(threads, count))]
    workers = [threading.Thread(target=runner, args=(share,)) for share in shares]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    return results


def _assert_paid_once(entity, contract_id: uuid.UUID) -> None:
    with tenant_context(entity):
        contract = Contract.objects.get(public_id=contract_id)
        assert contract.status == "paid"
        source = f"payroll.contract:{contract_id}"
        assert JournalEntry.objects.filter(kind=EntryKind.WAGE_PAID, source=source).count() == 1
        movements = FundMovement.objects.filter(subject_id=contract_id, kind=MovementKind.ADVANCE)
        assert movements.count() == 1
        movement = movements.get()
        assert movement.status == "executed"
        assert PoolEntry.objects.filter(idempotency_key=movement.idempotency_key).count() == 1
        reference = f"guarantee.movement:{movement.public_id}"
        assert JournalEntry.objects.filter(kind=EntryKind.GUARANTEE_ADVANCE, source=reference).count() == 1
        assert all(sum(accounts.values()) == 0 for accounts in trial_balance().values())
    totals = PoolLine.objects.values("currency").annotate(total=Sum("amount"))
    assert all(row["total"] == 0 for row in totals)


def test_a_hundred_concurrent_replays_pay_once(fund_entities, committed):
    entity = fund_entities[0]
    endow("5000.00")
    perf = declare(entity, to=FRIDAY)

    def replay(_: int) -> object:
        with tenant_context(entity):
            movement = services.guarantee_wage_pay(contract_id=perf.contract_id, on=DUE, by="replay")
            assert movement is not None
            return services.movement_execute(movement_id=movement.public_id).status

    results = _run_threads(100, replay)
    unexpected = [r for r in results if r != "executed" and not (isinstance(r, PlatformError))]
    assert unexpected == []
    # Whoever came after the payment learnt it was already paid, with the stable code.
    assert {r.code for r in results if isinstance(r, PlatformError)} <= {"guarantee_wage_already_paid"}
    _assert_paid_once(entity, perf.contract_id)


def test_concurrent_requests_from_two_entities_never_cross_their_limits(fund_entities, committed):
    endow("20000.00")
    for entity in fund_entities:
        FundLimit.objects.create(scope="entity", entity=entity, currency="EUR", amount=Decimal("2000.00"))
    try:
        before = {e.pk: exposure(currency="EUR", entity_id=e.pk).total for e in fund_entities}
        performances = [declare(entity, to=FRIDAY) for entity in fund_entities for _ in range(8)]

        def pay(index: int) -> object:
            perf = performances[index]
            with tenant_context(perf.entity):
                try:
                    movement = services.guarantee_wage_pay(contract_id=perf.contract_id, on=DUE)
                except PlatformError as error:
                    return error.code
                # Executed at once, as a worker would while other decisions are being taken.
                assert movement is not None
                return services.movement_execute(movement_id=movement.public_id)

        results = _run_threads(len(performances), pay)
        assert all(isinstance(r, FundMovement) or r == "guarantee_entity_limit_exceeded" for r in results), results
        for entity in fund_entities:
            at_stake = exposure(currency="EUR", entity_id=entity.pk).total
            assert at_stake <= Decimal("2000.00")
            # 675 per advance: what room each entity had left decides how many got through.
            room = Decimal("2000.00") - before[entity.pk]
            granted = FundMovement.objects.filter(
                entity=entity, kind=MovementKind.ADVANCE, subject_id__in=[p.contract_id for p in performances]
            ).count()
            assert granted == int(room // Decimal("675.00"))
    finally:
        FundLimit.objects.filter(entity__in=fund_entities).delete()


def _start_worker(
    queue: str, faults: str, log_path: Path, *, pool: str = "solo", concurrency: int = 1
) -> subprocess.Popen:
    log = open(log_path, "a")  # noqa: SIM115
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config.celery",
            "worker",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            "-n",
            f"fault-{uuid.uuid4().hex[:6]}@localhost",
            "-Q",
            queue,
            "-l",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        env=subprocess_env(FAULT_INJECTION_DIR=faults),
        cwd=PROJECT_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _kill_at(point: str, faults: str, queue: str, log_path: Path, send) -> Path:  # type: ignore[no-untyped-def]
    """Start a worker that stops at the named fault point, ``send()`` its task, and SIGKILL the worker once
    it is there (its transaction half done). Returns the point's file: unlink it before the restart."""
    pause = Path(faults) / point
    pause.write_text("60")
    worker = _start_worker(queue, faults, log_path)
    try:
        send()
        assert _wait((Path(faults) / f"{point}.reached").exists, 60), log_path.read_text()
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    return pause


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.worker
def test_a_worker_killed_mid_payout_then_restarted_pays_exactly_once(fund_entities, committed, monkeypatch):
    from shared_services.guarantee.tasks import movement_execute

    entity = fund_entities[1]
    endow("5000.00")
    perf = declare(entity, to=FRIDAY)
    queue = f"fault-{uuid.uuid4().hex[:8]}"
    # The decision's own message goes to the session queue; this test drives its own worker and queue.
    monkeypatch.setattr(movement_execute, "send_on_commit", lambda *a, **k: None)
    with tenant_context(entity):
        movement = services.guarantee_wage_pay(contract_id=perf.contract_id, on=DUE)
        assert movement is not None

    def send() -> None:
        with tenant_context(entity):
            movement_execute.apply_async((str(movement.public_id),), queue=queue)

    with tempfile.TemporaryDirectory() as faults:
        log_path = PROJECT_DIR / "var" / f"test-fault-worker-{os.getpid()}.log"
        # The worker has posted the entity's side and is about to post the fund's: kill it there.
        point = _kill_at("guarantee.execute.entity_posted", faults, queue, log_path, send)
        movement.refresh_from_db()
        assert movement.status == "decided"  # nothing of the half-done transaction survived
        with tenant_context(entity):
            assert Contract.objects.get(public_id=perf.contract_id).status == "signed"
            assert not JournalEntry.objects.filter(
                kind=EntryKind.GUARANTEE_ADVANCE, source=f"guarantee.movement:{movement.public_id}"
            ).exists()
        point.unlink()
        worker = _start_worker(queue, faults, log_path)
        try:
            # The sweeper sends the decision again (the killed message may also come back: harmless).
            swept = services.movements_resend(
                older_than=datetime.timedelta(0),
                send=lambda m: send() if m.public_id == movement.public_id else None,
            )
            assert swept >= 1
            send()  # and a plain replay on top
            assert _wait(lambda: FundMovement.objects.get(pk=movement.pk).status == "executed", 60), (
                log_path.read_text()
            )
            time.sleep(1)  # let the replay run too
        finally:
            worker.terminate()
            worker.wait(15)
            log_path.unlink(missing_ok=True)
    _assert_paid_once(entity, perf.contract_id)
    from tests.faults.figures import record

    record(payout_worker_killed=1, payouts_lost=0, payouts_doubled=0)
