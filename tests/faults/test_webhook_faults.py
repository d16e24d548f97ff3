"""Fault injection on a partner webhook, with real processes: a worker killed with SIGKILL after its
POST reached the partner and before the success was committed, then restarted. The delivery is not
lost, ends succeeded once, and is never sent again after that; the partner received the event twice
with the same event id and a valid signature each time (at least once, as docs/partner-api.md says:
partners keep the event ids they handled). Figures to ``var/results/faults.json``.

Committed mode: no test transaction (the worker is another process and must see the data)."""

from __future__ import annotations

import os
import tempfile
import time
import uuid

import pytest

from federation_api.partner_api import partner_key_create
from shared_services.referrals.models import Partner, WebhookDelivery, WebhookEndpoint
from tests.conftest import PROJECT_DIR
from tests.faults.figures import record
from tests.federation.test_webhooks import _referral, _register, receiver  # noqa: F401 (fixture)
from tests.guarantee.conftest import entity_for_test
from tests.guarantee.test_exactly_once import _kill_at, _start_worker, _wait


@pytest.mark.worker
def test_a_worker_killed_after_the_post_delivers_again_and_then_never(group, receiver, django_db_blocker, monkeypatch):  # noqa: F811
    from shared_services.referrals.tasks import webhook_deliver

    queue = f"fault-hook-{uuid.uuid4().hex[:8]}"
    # The referral's own message would reach the session's worker: this test drives its own.
    monkeypatch.setattr(webhook_deliver, "send_on_commit", lambda *a, **k: None)
    with django_db_blocker.unblock():
        key = partner_key_create(
            partner=Partner.objects.get(slug="microstart"), name="fault", scopes=["referrals:read", "webhooks:manage"]
        )[1]
        endpoint = _register(key, receiver.url)
        receiver.secret = endpoint["secret"]
        try:
            entity = entity_for_test("hook-kill")
            delivery = WebhookDelivery.objects.get(referral=_referral(entity, "microstart", ["name"]))

            def send() -> None:
                webhook_deliver.apply_async((str(delivery.public_id),), queue=queue)

            with tempfile.TemporaryDirectory() as faults:
                log_path = PROJECT_DIR / "var" / f"test-fault-hook-{os.getpid()}.log"
                point = _kill_at("referrals.webhook.posted", faults, queue, log_path, send)  # after its POST
                assert len(receiver.requests) == 1  # the partner has it...
                delivery.refresh_from_db()
                assert (delivery.status, delivery.attempts) == ("pending", 0)  # ...the platform does not know

                point.unlink()
                restarted = time.monotonic()
                worker = _start_worker(queue, faults, log_path)
                try:
                    send()
                    assert _wait(lambda: WebhookDelivery.objects.get(pk=delivery.pk).status == "succeeded", 60), (
                        log_path.read_text()
                    )
                    recovery_seconds = time.monotonic() - restarted
                    at_success = len(receiver.requests)
                    send()  # a replayed message after the success
                    time.sleep(1.5)
                finally:
                    worker.terminate()
                    worker.wait(15)
                    log_path.unlink(missing_ok=True)
            delivery.refresh_from_db()
            assert delivery.attempts == 1 and delivery.status == "succeeded"
            assert len(receiver.requests) == 2  # at least once: twice here, never a third time
            assert all(r.signature_ok for r in receiver.requests)
            event_ids = {r.headers["X-Smart-Event-Id"] for r in receiver.requests}
            assert event_ids == {str(delivery.event_id)}
        finally:
            # The endpoint must not receive the referrals of later tests.
            WebhookEndpoint.objects.filter(public_id=endpoint["id"]).update(active=False)
    record(
        webhook_worker_killed=1,
        webhook_deliveries_lost=0,
        webhook_sent_again_after_kill=len(receiver.requests) - 1,
        webhook_sent_after_success=len(receiver.requests) - at_success,
        webhook_seconds_to_recover=round(recovery_seconds, 2),
    )
