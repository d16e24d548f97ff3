"""Signed webhooks to the partners: endpoints each partner manages through the partner API, one
delivery per event and endpoint written with the event, retried with exponential backoff, logged
attempt by attempt, sent once, never with more than the member consented to.

The receiver is a real HTTP server on 127.0.0.1 that checks each signature with the helper partners
are given (``webhook_signature.verify_signature``)."""

from __future__ import annotations

import datetime
import io
import json
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from federation_api.partner_api import partner_key_create
from shared_services.models import Team
from shared_services.referrals import services
from shared_services.referrals.models import (
    Partner,
    Referral,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from shared_services.referrals.services import consent_revoke, referral_create
from shared_services.referrals.tasks import webhook_deliver
from shared_services.referrals.webhook_signature import sign, verify_signature
from shared_services.services import team_member_add
from tests import factories

pytestmark = pytest.mark.django_db

BACKOFF = 30


# ---- a real receiver -----------------------------------------------------------------------------


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    signature_ok: bool


@dataclass
class Receiver:
    url: str
    secret: str = ""
    fail_first: int = 0  # answer 500 to the first N requests, then 200
    always: int | None = None  # answer this status to every request
    requests: list[Received] = field(default_factory=list)

    def payloads(self) -> list[dict]:
        return [json.loads(r.body) for r in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            ok = verify_signature(
                state.secret, self.headers["X-Smart-Timestamp"], body, self.headers["X-Smart-Signature"]
            )
            state.requests.append(Received(dict(self.headers.items()), body, ok))
            failing = len(state.requests) <= state.fail_first
            code = 400 if not ok else state.always if state.always is not None else 500 if failing else 200
            self.send_response(code)
            if 300 <= code < 400:
                self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/smart"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ---- helpers -------------------------------------------------------------------------------------


def _call(method: str, path: str, key: str | None, **data):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    client = Client()
    if method == "get":
        return client.get(path, HTTP_HOST="localhost", **headers)
    return client.post(path, data, content_type="application/json", HTTP_HOST="localhost", **headers)


@pytest.fixture
def keys() -> dict[str, str]:
    microstart, coopcity = Partner.objects.get(slug="microstart"), Partner.objects.get(slug="coopcity")
    scopes = ["referrals:read", "webhooks:manage"]
    return {
        "ms": partner_key_create(partner=microstart, name="hooks", scopes=scopes)[1],
        "ms_ro": partner_key_create(partner=microstart, name="ro", scopes=["referrals:read"])[1],
        "cc": partner_key_create(partner=coopcity, name="hooks", scopes=scopes)[1],
    }


def _register(key: str, url: str, events: list[str] | None = None) -> dict:
    with override_settings(PARTNER_WEBHOOK_ALLOW_HTTP=True):
        response = _call("post", "/api/v1/partner/webhooks/", key, url=url, events=events or ["referral.created"])
    assert response.status_code == 201, response.content
    return response.json()


def _referral(entity, partner_slug: str, fields: list[str], *, email: str = "m@example.test") -> Referral:
    with tenant_context(entity):
        member = factories.member(email=email)
        return referral_create(
            partner=Partner.objects.get(slug=partner_slug),
            member_id=member.public_id,
            project="Workshop for ceramics",
            consent_fields=fields,
            consent_given=True,
            by="alice",
        )


def _attempt(delivery: WebhookDelivery) -> WebhookDelivery:
    return services.webhook_delivery_attempt(delivery_id=delivery.public_id)


def _make_due(delivery: WebhookDelivery) -> None:
    """What the clock does between two attempts."""
    WebhookDelivery.objects.filter(pk=delivery.pk, next_attempt_at__isnull=False).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def _team_member() -> Client:
    user, _ = get_user_model().objects.get_or_create(username="fiona@group.test", defaults={"is_staff": True})
    team_member_add(user_id=user.pk, team=Team.FINANCING)
    client = Client()
    client.force_login(user)
    return client


# ---- the signature helper ------------------------------------------------------------------------


def test_the_signature_helper_accepts_the_signature_and_refuses_tampering_and_old_timestamps():
    body, now = b'{"id":"e1","type":"referral.created"}', 1_800_000_000
    signature = sign("whsec_x", now, body)
    assert len(signature) == 64 and signature == sign("whsec_x", str(now), body.decode())
    assert verify_signature("whsec_x", now, body, signature, now=now + 10)
    assert verify_signature("whsec_x", str(now), body, signature.upper(), now=now)  # hex case does not matter
    assert not verify_signature("whsec_y", now, body, signature, now=now)  # another secret
    assert not verify_signature("whsec_x", now, body + b" ", signature, now=now)  # body changed
    assert not verify_signature("whsec_x", now + 1, body, signature, now=now)  # timestamp changed
    assert not verify_signature("whsec_x", now, body, signature, tolerance=300, now=now + 301)  # too old
    assert not verify_signature("whsec_x", now, body, signature, tolerance=300, now=now - 301)  # from the future
    assert not verify_signature("whsec_x", "soon", body, signature, now=now)
    assert not verify_signature("whsec_x", now, body, "", now=now)


# ---- endpoints -----------------------------------------------------------------------------------


def test_a_partner_registers_lists_rotates_and_deactivates_its_own_endpoints_only(group, keys):
    created = _register(keys["ms"], "https://hooks.microstart.example/smart", ["referral.created", "referral.revoked"])
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert created["events"] == ["referral.created", "referral.revoked"] and created["active"] is True
    endpoint = WebhookEndpoint.objects.get(public_id=created["id"])
    assert endpoint.partner.slug == "microstart" and endpoint.secret == created["secret"]

    listed = _call("get", "/api/v1/partner/webhooks/", keys["ms"]).json()
    assert [row["id"] for row in listed] == [created["id"]]
    assert "secret" not in listed[0]
    detail = _call("get", f"/api/v1/partner/webhooks/{created['id']}/", keys["ms"]).json()
    assert detail["url"] == "https://hooks.microstart.example/smart" and "secret" not in detail

    # Another partner: nothing listed, nothing reachable, nothing changed.
    assert _call("get", "/api/v1/partner/webhooks/", keys["cc"]).json() == []
    base = f"/api/v1/partner/webhooks/{created['id']}/"
    for method, path in [("get", base), ("post", base + "rotate-secret/"), ("post", base + "deactivate/")]:
        response = _call(method, path, keys["cc"])
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "webhook_endpoint_not_found"
    endpoint.refresh_from_db()
    assert (endpoint.secret, endpoint.active) == (created["secret"], True)

    rotated = _call("post", base + "rotate-secret/", keys["ms"]).json()
    endpoint.refresh_from_db()
    assert rotated["secret"] != created["secret"] and endpoint.secret == rotated["secret"]
    assert endpoint.secret_rotated_at is not None

    off = _call("post", base + "deactivate/", keys["ms"]).json()
    assert off["active"] is False
    refused = _call("post", base + "rotate-secret/", keys["ms"])
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "webhook_endpoint_inactive"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("not an address", "webhook_url_invalid"),
        ("", "webhook_url_invalid"),
        ("ftp://files.example/hook", "webhook_url_invalid"),
        ("https://", "webhook_url_invalid"),
        ("https://user:password@hooks.example/", "webhook_url_invalid"),
        ("https://hooks.example:port/", "webhook_url_invalid"),
        ("https://hooks.example/a b", "webhook_url_invalid"),
        ("http://hooks.microstart.example/smart", "webhook_url_https_required"),
        ("http://127.0.0.1:8080/hook", "webhook_url_https_required"),  # loopback, but http is not allowed here
    ],
)
def test_a_bad_address_is_refused_with_its_code_and_nothing_is_written(group, keys, url, code):
    before = WebhookEndpoint.objects.count()
    response = _call("post", "/api/v1/partner/webhooks/", keys["ms"], url=url, events=["referral.created"])
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, "url")
    assert error["message"]
    assert WebhookEndpoint.objects.count() == before


def test_http_is_accepted_for_loopback_only_and_only_when_allowed(group, keys):
    with override_settings(PARTNER_WEBHOOK_ALLOW_HTTP=True):
        remote = _call("post", "/api/v1/partner/webhooks/", keys["ms"], url="http://hooks.example/h")
        assert remote.json()["error"]["code"] == "webhook_url_https_required"
        local = _call("post", "/api/v1/partner/webhooks/", keys["ms"], url="http://localhost:9000/h")
        assert local.status_code == 201
    with override_settings(DEBUG=True):
        assert services.webhook_url_check("http://[::1]:9000/h") == "http://[::1]:9000/h"


def test_unknown_events_are_refused_and_nothing_is_written(group, keys):
    before = WebhookEndpoint.objects.count()
    for events in (["referral.exploded"], []):
        response = _call("post", "/api/v1/partner/webhooks/", keys["ms"], url="https://h.example/", events=events)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "webhook_events_invalid"
    assert WebhookEndpoint.objects.count() == before


def test_a_key_without_the_webhooks_scope_is_refused(group, keys):
    before = WebhookEndpoint.objects.count()
    for method, path in [
        ("get", "/api/v1/partner/webhooks/"),
        ("post", "/api/v1/partner/webhooks/"),
        ("get", "/api/v1/partner/webhooks/deliveries/"),
    ]:
        response = _call(method, path, keys["ms_ro"], url="https://h.example/")
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "partner_scope_missing"
    assert WebhookEndpoint.objects.count() == before
    assert _call("get", "/api/v1/partner/webhooks/", None).status_code in (401, 403)


# ---- deliveries ----------------------------------------------------------------------------------


def test_a_new_referral_is_delivered_signed_with_the_consented_data_only(group, keys, receiver):
    created = _register(keys["ms"], receiver.url)
    receiver.secret = created["secret"]
    _register(keys["cc"], receiver.url)  # the other partner's endpoint, on the same receiver
    canary = f"CANARYHOOK{uuid.uuid4().hex[:8]}"
    referral = _referral(group.books_eur, "microstart", ["name", "project"], email=f"{canary.lower()}@example.test")
    _referral(group.books_eur, "coopcity", ["name", "email"], email=f"{canary.lower()}cc@example.test")

    delivery = WebhookDelivery.objects.get(referral=referral)  # one, for microstart's only endpoint
    assert delivery.endpoint.public_id == uuid.UUID(created["id"])
    assert (delivery.status, delivery.attempts, delivery.event_type) == ("pending", 0, "referral.created")

    assert webhook_deliver(str(delivery.public_id)) == "succeeded"  # the task, run in this process
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.signature_ok
    assert request.headers["X-Smart-Event-Id"] == str(delivery.event_id)
    assert request.headers["X-Smart-Delivery-Id"] == str(delivery.public_id)
    assert request.headers["X-Smart-Event"] == "referral.created"
    assert request.headers["Content-Type"] == "application/json"
    payload = json.loads(request.body)
    assert payload["id"] == str(delivery.event_id) and payload["type"] == "referral.created"
    assert payload["data"]["referral"]["id"] == str(referral.public_id)
    assert sorted(payload["data"]["referral"]["data"]) == ["name", "project"]
    assert payload["data"]["referral"]["data"]["project"] == "Workshop for ceramics"
    text = request.body.decode()
    assert canary.lower() not in text.lower()  # neither this member's e-mail nor the coopcity referral's
    for persona in group.all:
        assert persona.canary not in text

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("succeeded", 1, None)
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert (attempt.number, attempt.status_code, attempt.error) == (1, 200, "")
    assert attempt.duration_ms >= 0

    # A replayed message (or the sweeper) after success sends nothing.
    assert webhook_deliver(str(delivery.public_id)) == "succeeded"
    _make_due(delivery)
    assert _attempt(delivery).status == "succeeded"
    assert len(receiver.requests) == 1 and WebhookAttempt.objects.filter(delivery=delivery).count() == 1


@pytest.mark.parametrize("failures", [1, 3])
def test_a_receiver_failing_n_times_gets_n_plus_1_attempts_with_backoff_then_none(group, keys, receiver, failures):
    receiver.secret = _register(keys["ms"], receiver.url)["secret"]
    receiver.fail_first = failures
    referral = _referral(group.books_eur, "microstart", ["name"])
    delivery = WebhookDelivery.objects.get(referral=referral)
    for number in range(1, failures + 1):
        delivery = _attempt(delivery)
        attempt = WebhookAttempt.objects.get(delivery=delivery, number=number)
        assert (delivery.status, delivery.attempts, attempt.status_code) == ("pending", number, 500)
        assert delivery.next_attempt_at == attempt.at + datetime.timedelta(seconds=BACKOFF * 2 ** (number - 1))
        # Not due yet: an early copy of the message does nothing.
        assert _attempt(delivery).attempts == number
        assert len(receiver.requests) == number
        _make_due(delivery)
    delivery = _attempt(delivery)
    assert delivery.status == "succeeded" and delivery.attempts == failures + 1
    codes = list(
        WebhookAttempt.objects.filter(delivery=delivery).order_by("number").values_list("status_code", flat=True)
    )
    assert codes == [500] * failures + [200]
    # The same event id every time: the partner can tell a retry from a new event.
    assert {r.headers["X-Smart-Event-Id"] for r in receiver.requests} == {str(delivery.event_id)}
    assert all(r.signature_ok for r in receiver.requests)
    for _ in range(3):
        _make_due(delivery)
        _attempt(delivery)
    assert len(receiver.requests) == failures + 1
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == failures + 1


@override_settings(PARTNER_WEBHOOK_MAX_ATTEMPTS=2)
def test_after_the_last_failure_the_delivery_is_failed_and_can_be_redelivered(group, keys, receiver):
    receiver.secret = _register(keys["ms"], receiver.url)["secret"]
    receiver.always = 503
    referral = _referral(group.books_eur, "microstart", ["name"])
    delivery = WebhookDelivery.objects.get(referral=referral)
    _attempt(delivery)
    _make_due(delivery)
    delivery = _attempt(delivery)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    _make_due(delivery)
    assert _attempt(delivery).attempts == 2 and len(receiver.requests) == 2

    path = f"/api/v1/partner/webhooks/deliveries/{delivery.public_id}/redeliver/"
    other = _call("post", path, keys["cc"])
    assert other.status_code == 404 and other.json()["error"]["code"] == "webhook_delivery_not_found"
    delivery.refresh_from_db()
    assert delivery.status == "failed"

    again = _call("post", path, keys["ms"])
    assert again.status_code == 200
    assert (again.json()["status"], again.json()["attempt_limit"]) == ("pending", 4)
    receiver.always = None
    delivery = _attempt(delivery)
    assert (delivery.status, delivery.attempts) == ("succeeded", 3)
    numbers = list(WebhookAttempt.objects.filter(delivery=delivery).values_list("number", "status_code"))
    assert numbers == [(1, 503), (2, 503), (3, 200)]
    twice = _call("post", path, keys["ms"])
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "webhook_delivery_not_failed"


def test_a_connection_error_and_a_redirect_are_failed_attempts_with_the_reason(group, keys, receiver):
    _register(keys["ms"], f"http://127.0.0.1:{_closed_port()}/nobody")
    referral = _referral(group.books_eur, "microstart", ["name"])
    delivery = _attempt(WebhookDelivery.objects.get(referral=referral))
    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert delivery.status == "pending" and attempt.status_code is None
    assert "refused" in attempt.error.lower() or "errno" in attempt.error.lower()

    receiver.secret = _register(keys["cc"], receiver.url)["secret"]
    receiver.always = 302  # not followed: the signed body goes to the registered address only
    moved = _attempt(WebhookDelivery.objects.get(referral=_referral(group.books_eur, "coopcity", ["name"])))
    assert moved.status == "pending" and WebhookAttempt.objects.get(delivery=moved).status_code == 302
    assert len(receiver.requests) == 1


def test_revoked_consent_cancels_the_pending_delivery_and_sends_the_revocation_only(group, keys, receiver):
    receiver.secret = _register(keys["ms"], receiver.url, ["referral.created", "referral.revoked"])["secret"]
    referral = _referral(group.books_eur, "microstart", ["name", "email"])
    created = WebhookDelivery.objects.get(referral=referral, event_type="referral.created")
    consent_revoke(referral=referral, by="alice")
    assert _attempt(created).status == "cancelled"
    revoked = WebhookDelivery.objects.get(referral=referral, event_type="referral.revoked")
    assert _attempt(revoked).status == "succeeded"
    assert len(receiver.requests) == 1
    payload = receiver.payloads()[0]
    assert payload["type"] == "referral.revoked"
    assert payload["data"] == {"referral": {"id": str(referral.public_id), "status": "withdrawn"}}


def test_deactivated_endpoints_get_nothing_new_and_their_pending_deliveries_are_cancelled(group, keys):
    created = _register(keys["ms"], "https://hooks.microstart.example/a")
    pending = WebhookDelivery.objects.get(referral=_referral(group.books_eur, "microstart", ["name"]))
    _call("post", f"/api/v1/partner/webhooks/{created['id']}/deactivate/", keys["ms"])
    pending.refresh_from_db()
    assert pending.status == "cancelled"
    later = _referral(group.books_eur, "microstart", ["name"])
    assert not WebhookDelivery.objects.filter(referral=later).exists()


def test_the_sweeper_sends_again_only_overdue_pending_deliveries(group, keys):
    _register(keys["ms"], "https://hooks.microstart.example/a")
    overdue = WebhookDelivery.objects.get(referral=_referral(group.books_eur, "microstart", ["name"]))
    fresh = WebhookDelivery.objects.get(referral=_referral(group.books_eur, "microstart", ["name"]))
    WebhookDelivery.objects.filter(pk=overdue.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=5))
    sent: list[uuid.UUID] = []
    count = services.webhook_deliveries_resend(
        older_than=datetime.timedelta(seconds=60), send=lambda d: sent.append(d.public_id)
    )
    assert overdue.public_id in sent and fresh.public_id not in sent and count == len(sent)


# ---- the delivery log ----------------------------------------------------------------------------


def test_a_partner_reads_its_own_delivery_log_only(group, keys, receiver):
    receiver.secret = _register(keys["ms"], receiver.url)["secret"]
    receiver.fail_first = 1
    _register(keys["cc"], "https://hooks.coopcity.example/h")
    mine = WebhookDelivery.objects.get(referral=_referral(group.books_eur, "microstart", ["name"]))
    theirs = WebhookDelivery.objects.get(referral=_referral(group.books_eur, "coopcity", ["name"]))
    _attempt(mine)

    listed = _call("get", "/api/v1/partner/webhooks/deliveries/", keys["ms"]).json()
    ids = [row["id"] for row in listed]
    assert str(mine.public_id) in ids and str(theirs.public_id) not in ids
    row = next(r for r in listed if r["id"] == str(mine.public_id))
    assert row["status"] == "pending" and row["attempts"] == 1
    assert [(a["number"], a["status_code"]) for a in row["attempt_log"]] == [(1, 500)]
    assert set(row) >= {"event_id", "event_type", "referral", "endpoint", "next_attempt_at"}

    failed_only = _call("get", "/api/v1/partner/webhooks/deliveries/?status=failed", keys["ms"]).json()
    assert str(mine.public_id) not in [r["id"] for r in failed_only]
    bad = _call("get", "/api/v1/partner/webhooks/deliveries/?status=lost", keys["ms"])
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "webhook_delivery_status_invalid"

    detail = _call("get", f"/api/v1/partner/webhooks/deliveries/{mine.public_id}/", keys["ms"])
    assert detail.status_code == 200 and detail.json()["id"] == str(mine.public_id)
    other = _call("get", f"/api/v1/partner/webhooks/deliveries/{theirs.public_id}/", keys["ms"])
    assert other.status_code == 404 and other.json()["error"]["code"] == "webhook_delivery_not_found"


@override_settings(PARTNER_WEBHOOK_MAX_ATTEMPTS=1)
def test_the_group_team_reads_every_log_and_redelivers_a_failed_delivery(group, keys, receiver):
    receiver.secret = _register(keys["ms"], receiver.url)["secret"]
    receiver.always = 500
    delivery = _attempt(WebhookDelivery.objects.get(referral=_referral(group.books_eur, "microstart", ["name"])))
    assert delivery.status == "failed"
    page = f"/services/referrals/webhooks/deliveries/{delivery.public_id}/"

    gina = Client()
    gina.force_login(get_user_model().objects.get(username=group.manager_username))
    assert gina.get("/services/referrals/webhooks/", HTTP_HOST="localhost").status_code == 403
    assert gina.post(page + "redeliver/", HTTP_HOST="localhost").status_code == 403
    assert Client().get(page, HTTP_HOST="localhost").status_code == 302

    team = _team_member()
    log = team.get("/services/referrals/webhooks/?status=failed", HTTP_HOST="localhost")
    assert log.status_code == 200 and str(delivery.public_id) in log.content.decode()
    assert receiver.url in log.content.decode()
    assert team.get("/services/referrals/webhooks/?status=lost", HTTP_HOST="localhost").status_code == 400
    detail = team.get(page, HTTP_HOST="localhost").content.decode()
    assert "500" in detail and "redeliver/" in detail
    assert (
        team.get(f"/services/referrals/webhooks/deliveries/{uuid.uuid4()}/", HTTP_HOST="localhost").status_code == 404
    )
    # The group pages do not exist on an entity's subdomain.
    assert team.get(page, HTTP_HOST=group.alpha.host).status_code == 404

    receiver.always = None
    assert team.post(page + "redeliver/", HTTP_HOST="localhost").status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.redelivered_by) == ("pending", "fiona@group.test")
    assert _attempt(delivery).status == "succeeded"
    # A delivery that succeeded is not sent again from the page either.
    team.post(page + "redeliver/", HTTP_HOST="localhost")
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and len(receiver.requests) == 2


def test_the_group_teams_command_adds_lists_rotates_and_deactivates(group):
    out = io.StringIO()
    call_command(
        "partner_webhooks", "add", "--partner", "dynamo-coop", "--url", "https://hooks.dynamo.example/h",
        "--event", "referral.created", stdout=out,
    )  # fmt: skip
    endpoint = WebhookEndpoint.objects.get(url="https://hooks.dynamo.example/h")
    assert endpoint.secret in out.getvalue() and endpoint.partner.slug == "dynamo-coop"
    listing = io.StringIO()
    call_command("partner_webhooks", "list", "--partner", "dynamo-coop", stdout=listing)
    assert str(endpoint.public_id) in listing.getvalue() and endpoint.secret not in listing.getvalue()
    old = endpoint.secret
    call_command("partner_webhooks", "rotate", str(endpoint.public_id), stdout=io.StringIO())
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    call_command("partner_webhooks", "deactivate", str(endpoint.public_id), stdout=io.StringIO())
    endpoint.refresh_from_db()
    assert endpoint.active is False
    before = WebhookEndpoint.objects.count()
    with pytest.raises(CommandError, match="webhook_url_https_required"):
        call_command("partner_webhooks", "add", "--partner", "dynamo-coop", "--url", "http://h.example/", "--event",
                     "referral.created")  # fmt: skip
    assert WebhookEndpoint.objects.count() == before


# ---- the tasks' plumbing -------------------------------------------------------------------------


def test_the_referral_sends_one_public_task_per_delivery_on_commit_only(
    group, keys, monkeypatch, django_capture_on_commit_callbacks
):
    _register(keys["ms"], "https://hooks.microstart.example/a")
    _register(keys["ms"], "https://hooks.microstart.example/b")
    _register(keys["ms"], "https://hooks.microstart.example/revocations-only", ["referral.revoked"])
    sent: list[tuple[tuple, dict]] = []
    monkeypatch.setattr(
        webhook_deliver, "apply_async", lambda args, kwargs=None, **options: sent.append((args, options))
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        referral = _referral(group.books_eur, "microstart", ["name"])
    deliveries = WebhookDelivery.objects.filter(referral=referral)
    assert deliveries.count() == 2 and len({d.event_id for d in deliveries}) == 1
    assert sent == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert sorted(args for args, _ in sent) == sorted((str(d.public_id),) for d in deliveries)
    assert all(options["headers"]["_schema_name"] == "public" for _, options in sent)


def test_the_task_schedules_the_next_attempt_after_the_backoff_and_the_sweeper_resends(
    group, keys, receiver, monkeypatch
):
    receiver.secret = _register(keys["ms"], receiver.url)["secret"]
    receiver.always = 500
    delivery = WebhookDelivery.objects.get(referral=_referral(group.books_eur, "microstart", ["name"]))
    sent: list[tuple[tuple, dict]] = []
    monkeypatch.setattr(
        webhook_deliver, "apply_async", lambda args, kwargs=None, **options: sent.append((args, options))
    )
    assert webhook_deliver(str(delivery.public_id)) == "pending"
    assert len(sent) == 1 and sent[0][0] == (str(delivery.public_id),)
    assert BACKOFF - 2 < sent[0][1]["countdown"] <= BACKOFF

    from shared_services.referrals.tasks import webhook_sweep

    sent.clear()
    assert webhook_sweep() == 0  # due in 30 s: not lost
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    assert webhook_sweep() == 1 and sent == [((str(delivery.public_id),), {})]
