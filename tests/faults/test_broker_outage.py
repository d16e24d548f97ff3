"""Fault injection on the broker, with real processes: a private Redis broker (and cache, on the same
server as deployed by default) stopped for ``FAULT_BROKER_OUTAGE_SECONDS`` (default 60) while an
entity's staff declare performances (ledger entries: each commit asks for a consolidation drain) and
ask the guarantee fund to pay the wages (each decision sends its payout on commit) through a gunicorn
web process; a worker consumes from the same broker. The broker restarts empty (no persistence: every
message it held is gone). No web request fails (a publish that fails after the commit is logged, not
raised); the sweepers, run as beat would (``guarantee.sweep``'s resend of decisions not executed, the
entity's drain), bring everything through: every wage paid exactly once, every ledger event in the
group's figures. Figures to ``var/results/faults.json``.

Committed mode: no test transaction (the web process and the worker must see the data)."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context
from kombu import Exchange, Queue

from config.celery import app
from federation_api import consolidation
from shared_services.guarantee import services
from shared_services.guarantee.models import FundLimit, FundMovement, MovementKind
from tenants.ledger import consolidation_port as port
from tests import factories
from tests.conftest import PROJECT_DIR
from tests.faults.figures import record
from tests.faults.servers import (
    Answer,
    Broker,
    StaffClient,
    entity_host,
    gunicorn,
    staff_password,
    stop_process,
    web_env,
)
from tests.guarantee.conftest import endow, entity_for_test
from tests.guarantee.test_exactly_once import _assert_paid_once, _wait

OUTAGE_SECONDS = float(os.environ.get("FAULT_BROKER_OUTAGE_SECONDS", "60"))
CLIENTS = 2
SWEEP_EVERY = 3.0
SWEEP_OLDER_THAN = datetime.timedelta(seconds=10)


@dataclass
class Call:
    kind: str
    started: float
    answer: Answer
    contract: str | None = None


def _load(client: StaffClient, refs: dict[str, str], stop: threading.Event, calls: list[Call]) -> None:
    while not stop.is_set():
        body = {
            "activity": refs["activity"],
            "client": refs["client"],
            "lines": [{"description": "Show", "quantity": "1", "unit_price": "1000.00", "vat_rate": "21"}],
            "performers": [{"member": refs["member"], "gross": "500.00"}],
            "performed_from": "2026-03-02",
            "performed_to": "2026-03-06",
            "country": "BE",
        }
        started = time.monotonic()
        answer = client.request("POST", "/api/v1/declarations/", body)
        contract = answer.json()["contract_details"][0]["id"] if answer.status == 201 else None
        calls.append(Call("declare", started, answer, contract))
        if contract is not None:
            started = time.monotonic()
            paid = client.request("POST", f"/services/guarantee/wages/{contract}/pay/", {}, form=True)
            calls.append(Call("pay", started, paid, contract))
        time.sleep(0.2)


def _worker(env: dict[str, str], log) -> subprocess.Popen:  # type: ignore[no-untyped-def, type-arg]
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config.celery", "worker", "--pool", "solo", "-n",
         f"fault-broker-{uuid.uuid4().hex[:6]}@localhost", "-l", "INFO", "--without-gossip", "--without-mingle"],
        env=env, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


@pytest.mark.worker
def test_the_broker_stopped_under_load_fails_no_request_and_loses_no_task(group, django_db_blocker):
    from federation_api.tasks import entity_drain
    from shared_services.guarantee.tasks import movement_execute

    broker = Broker()
    queue = "platform-fault-broker"
    env = web_env(
        DJANGO_SETTINGS_MODULE="tests.faults.settings_deployed",
        CELERY_BROKER_URL=broker.url,
        CELERY_RESULT_BACKEND=broker.url.rsplit("/", 1)[0] + "/2",
        CELERY_TASK_DEFAULT_QUEUE=queue,
    )
    log_path = PROJECT_DIR / "var" / f"test-fault-broker-{os.getpid()}.log"
    with django_db_blocker.unblock():
        entity = entity_for_test("broker")
        username, password = staff_password(entity)
        host = entity_host(entity)
        endow("250000.00")
        # Room for every wage of the load under the fund's limits (the group's defaults would refuse most).
        for scope in ("entity", "client"):
            FundLimit.objects.create(scope=scope, entity=entity, currency="EUR", amount=Decimal("250000.00"))
        with tenant_context(entity):
            holder = factories.member()
            refs = {
                "member": str(holder.public_id),
                "activity": str(factories.activity(holder=holder).public_id),
                "client": str(factories.client().public_id),
            }

        def sweep() -> None:
            """What beat sends: the fund's sweep (for this entity) and the entity's drain."""
            with app.connection_for_write(broker.url) as conn:
                Queue(queue, Exchange(queue), routing_key=queue)(conn.default_channel).declare()

                def resend(movement: FundMovement) -> None:
                    if movement.entity_id == entity.pk:
                        with tenant_context(entity):
                            movement_execute.apply_async((str(movement.public_id),), connection=conn, queue=queue)

                services.movements_resend(older_than=SWEEP_OLDER_THAN, send=resend)
                with tenant_context(entity):
                    entity_drain.apply_async(connection=conn, queue=queue)

        def movements() -> list[FundMovement]:
            return list(FundMovement.objects.filter(entity=entity, kind=MovementKind.ADVANCE))

        def processed() -> bool:
            # Executed, or cancelled when the activity's own cash paid the wage by the time it ran.
            if any(m.status == "decided" for m in movements()):
                return False
            with tenant_context(entity):
                return port.unpublished_count() == 0

        broker.start()
        log = open(log_path, "a")  # noqa: SIM115
        worker = _worker(env, log)
        calls: list[list[Call]] = [[] for _ in range(CLIENTS)]
        try:
            with gunicorn(env, log_path) as web_port:
                clients = [StaffClient(web_port, host) for _ in range(CLIENTS)]
                for client in clients:
                    client.sign_in(username, password)
                stop = threading.Event()
                threads = [
                    threading.Thread(target=_load, args=(c, refs, stop, calls[i])) for i, c in enumerate(clients)
                ]
                for thread in threads:
                    thread.start()
                try:
                    time.sleep(3)
                    stopped = time.monotonic()
                    broker.stop()
                    time.sleep(OUTAGE_SECONDS)
                    broker.start()
                    back = time.monotonic()
                    time.sleep(3)
                finally:
                    stop.set()
                    for thread in threads:
                        thread.join(60)
                    for client in clients:
                        client.close()
                # The deployment's sweepers, every few seconds here (beat: every minute, decisions older than 30 s).
                deadline = time.monotonic() + 120
                while not processed() and time.monotonic() < deadline:
                    sweep()
                    _wait(processed, SWEEP_EVERY)
                everything_processed = time.monotonic()
            assert processed(), log_path.read_text()[-5000:]
            assert consolidation.entity_reconcile(entity=entity) == []
        finally:
            FundLimit.objects.filter(entity=entity).delete()
            stop_process(worker)
            broker.stop()
            log.close()
            if not os.environ.get("KEEP_FAULT_LOGS"):
                log_path.unlink(missing_ok=True)

        everything = [call for per_client in calls for call in per_client]
        failed = [c for c in everything if not 200 <= c.answer.status < 400]
        assert failed == [], [(c.kind, c.answer.status, c.answer.body[:300]) for c in failed[:5]]
        during = [c for c in everything if stopped <= c.started <= back]
        assert len(during) >= 4, "no load while the broker was down"
        paid = [c.contract for c in everything if c.kind == "pay" and c.answer.status == 302]
        decided = movements()
        # A 302 is a decision, or a refusal by the fund's rules shown as a message: the database says.
        assert paid and decided and {str(m.subject_id) for m in decided} <= set(paid)
        assert len(decided) >= len(paid) * 0.9, (len(decided), len(paid))
        # No client pays in this load: the activity's cash (read in one snapshot) never covers a wage, so
        # every decision is executed as an advance. A decision cancelled as "paid from the activity's
        # cash" was a torn read of the cash (a declaration half seen), fixed in tenants.guarantee.port.
        assert [m.subject_id for m in decided if m.status == "cancelled"] == []
        for movement in decided:
            if movement.status == "executed":
                _assert_paid_once(entity, movement.subject_id)  # one wage, one advance, one pooled entry each
        with tenant_context(entity):
            events_waiting = port.unpublished_count()
        slowest = max(c.answer.seconds for c in during)
        lost = sum(1 for m in decided if m.status == "decided")
        cancelled = sum(1 for m in decided if m.status == "cancelled")
    record(
        broker_outage_seconds=OUTAGE_SECONDS,
        broker_requests_total=len(everything),
        broker_requests_during_outage=len(during),
        broker_requests_failed=len(failed),
        broker_slowest_request_during_outage_seconds=round(slowest, 2),
        broker_wage_requests=len(paid),
        broker_payouts_decided=len(decided),
        broker_payouts_paid_from_activity_cash=cancelled,
        broker_payouts_lost=lost,
        broker_payouts_doubled=0,
        broker_ledger_events_lost=events_waiting,
        broker_seconds_from_restart_to_all_processed=round(everything_processed - back, 2),
    )
