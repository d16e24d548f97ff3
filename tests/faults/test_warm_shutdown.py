"""Fault injection on a batch of payouts, with real processes: a worker executing a batch of guarantee
payouts (one ``guarantee.movement_execute`` message per wage) receives SIGTERM, Celery's warm shutdown,
in the middle of one of them; then a new worker takes the rest. Twice: a solo worker (the tests') and a
prefork worker of two processes (what ``make run`` starts). The warm worker finishes the payouts it was
running and starts no other; the messages it had not started are still in the queue (acks late,
prefetch multiplier 1: nothing is held unacknowledged by a worker that left); every wage is paid exactly
once, the entity's books and the pooled ledger balance. Figures to ``var/results/faults.json``.

Committed mode: no test transaction (the worker is another process and must see the data)."""

from __future__ import annotations

import os
import signal
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django_tenants.utils import tenant_context

from shared_services.guarantee import services
from shared_services.guarantee.models import FundMovement
from tests.conftest import PROJECT_DIR
from tests.faults.figures import record
from tests.guarantee.conftest import declare, endow, entity_for_test
from tests.guarantee.test_exactly_once import DUE, FRIDAY, _assert_paid_once, _start_worker, _wait

BATCH = 12
PAUSE = "0.4"  # seconds each payout waits at its first pause point, so that SIGTERM lands inside one


def _executed(movement_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return set(
        FundMovement.objects.filter(public_id__in=movement_ids, status="executed").values_list("public_id", flat=True)
    )


@pytest.mark.worker
@pytest.mark.parametrize(("pool", "concurrency"), [("solo", 1), ("prefork", 2)])
def test_a_warm_shutdown_mid_batch_finishes_the_running_payout_and_the_next_worker_pays_the_rest_once(
    group, django_db_blocker, monkeypatch, pool, concurrency
):
    from shared_services.guarantee.tasks import movement_execute

    queue = f"fault-warm-{uuid.uuid4().hex[:8]}"
    # The decisions' own messages would reach the session's worker: this test drives its own queue.
    monkeypatch.setattr(movement_execute, "send_on_commit", lambda *a, **k: None)
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    with django_db_blocker.unblock():
        entity = entity_for_test("warm")
        endow(f"{675 * BATCH}.00")
        performances = [declare(entity, to=FRIDAY) for _ in range(BATCH)]
        with tenant_context(entity):
            movements = [services.guarantee_wage_pay(contract_id=p.contract_id, on=DUE) for p in performances]
        ids = [m.public_id for m in movements if m is not None]
        assert len(ids) == BATCH

        with tempfile.TemporaryDirectory() as faults:
            point = Path(faults) / "guarantee.execute.before"
            reached = Path(faults) / "guarantee.execute.before.reached"
            point.write_text(PAUSE)
            log_path = PROJECT_DIR / "var" / f"test-fault-warm-{os.getpid()}.log"
            worker = _start_worker(queue, faults, log_path, pool=pool, concurrency=concurrency)
            try:
                with tenant_context(entity):
                    for movement_id in ids:
                        movement_execute.apply_async((str(movement_id),), queue=queue)
                assert _wait(lambda: len(_executed(ids)) >= 3, 60), log_path.read_text()
                # The next payout has just entered its pause: SIGTERM now, inside it.
                seen = reached.stat().st_mtime
                assert _wait(lambda: reached.stat().st_mtime != seen, 10), log_path.read_text()
                before = _executed(ids)
                signalled = time.monotonic()
                os.kill(worker.pid, signal.SIGTERM)
                worker.wait(30)
                warm_exit_seconds = time.monotonic() - signalled
            finally:
                if worker.poll() is None:
                    worker.kill()
            assert worker.returncode == 0, log_path.read_text()
            finished_by_warm = _executed(ids) - before
            # The running payouts (one per process: with two, the second waits for the fund's currency
            # lock), nothing more.
            assert 1 <= len(finished_by_warm) <= concurrency, (len(before), len(finished_by_warm))
            done_by_first = len(before) + len(finished_by_warm)
            waiting = broker.llen(queue)
            assert waiting == BATCH - done_by_first  # every other message is back in (or still in) the queue

            point.unlink()
            restarted = time.monotonic()
            worker = _start_worker(queue, faults, log_path)
            try:
                assert _wait(lambda: len(_executed(ids)) == BATCH, 60), log_path.read_text()
                recovery_seconds = time.monotonic() - restarted
                time.sleep(0.5)
                left = broker.llen(queue)
            finally:
                worker.terminate()
                worker.wait(15)
                if not os.environ.get("KEEP_FAULT_LOGS"):
                    log_path.unlink(missing_ok=True)
        assert left == 0
        for performance in performances:
            _assert_paid_once(entity, performance.contract_id)  # one wage, one advance, one pooled entry each
        lost = BATCH - len(_executed(ids))
    prefix = "warm_shutdown_" if pool == "solo" else f"warm_shutdown_{pool}_"
    figures = {
        "batch": BATCH,
        "done_before_sigterm": len(before),
        "running_finished": len(finished_by_warm),
        "messages_left_in_queue": waiting,
        "seconds_to_exit": round(warm_exit_seconds, 2),
        "payouts_lost": lost,
        "payouts_doubled": 0,
        "seconds_to_recover": round(recovery_seconds, 2),
    }
    record(**{prefix + key: value for key, value in figures.items()})
