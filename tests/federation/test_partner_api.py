"""The partner API: each partner works its own consented referrals with its own keys."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from federation_api.models import PartnerApiKey
from federation_api.partner_api import partner_key_create, partner_key_revoke
from shared_services.referrals.models import Partner, Referral
from shared_services.referrals.services import consent_revoke, referral_create
from tests import factories

pytestmark = pytest.mark.django_db


def _call(method: str, path: str, key: str | None, **data):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    client = Client()
    if method == "get":
        return client.get(path, HTTP_HOST="localhost", **headers)
    return client.post(path, data, content_type="application/json", HTTP_HOST="localhost", **headers)


@pytest.fixture
def keys():
    microstart, coopcity = Partner.objects.get(slug="microstart"), Partner.objects.get(slug="coopcity")
    return {
        "ms_rw": partner_key_create(partner=microstart, name="rw", scopes=["referrals:read", "referrals:write"])[1],
        "ms_ro": partner_key_create(partner=microstart, name="ro", scopes=["referrals:read"])[1],
        "cc_rw": partner_key_create(partner=coopcity, name="rw", scopes=["referrals:read", "referrals:write"])[1],
    }


def _referral(entity, partner_slug: str, fields: list[str]) -> Referral:
    with tenant_context(entity):
        member = factories.member(email="m@example.test")
        return referral_create(
            partner=Partner.objects.get(slug=partner_slug),
            member_id=member.public_id,
            project="Workshop for ceramics",
            consent_fields=fields,
            consent_given=True,
            by="alice",
        )


def test_a_partner_sees_its_own_consented_referrals_and_only_the_consented_fields(group, keys):
    mine = _referral(group.books_eur, "microstart", ["name", "project"])
    theirs = _referral(group.books_eur, "coopcity", ["name", "email"])
    listed = _call("get", "/api/v1/partner/referrals/", keys["ms_rw"]).json()
    ids = {row["id"] for row in listed}
    assert str(mine.public_id) in ids and str(theirs.public_id) not in ids
    detail = _call("get", f"/api/v1/partner/referrals/{mine.public_id}/", keys["ms_rw"]).json()
    assert sorted(detail["data"]) == ["name", "project"] and "email" not in detail["data"]
    # Seeded referrals of the test entities (to microstart) are there; no canary of another partner's.
    other = _call("get", f"/api/v1/partner/referrals/{theirs.public_id}/", keys["ms_rw"])
    assert other.status_code == 404 and other.json()["error"]["code"] == "referral_not_found"


def test_accept_and_outcome_then_revocation_hides_everything(group, keys):
    referral = _referral(group.books_eur, "microstart", ["name"])
    path = f"/api/v1/partner/referrals/{referral.public_id}/"
    assert _call("post", path + "accept/", keys["ms_ro"]).status_code == 403  # read-only key
    assert _call("post", path + "accept/", keys["cc_rw"]).status_code == 404  # another partner
    assert _call("post", path + "accept/", keys["ms_rw"]).json()["status"] == "accepted"
    bad = _call("post", path + "outcome/", keys["ms_rw"], outcome="lottery_won")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    done = _call("post", path + "outcome/", keys["ms_rw"], outcome="loan_granted", note="5 000 EUR")
    assert done.status_code == 200 and done.json()["status"] == "outcome_reported"
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_note) == ("loan_granted", "5 000 EUR")
    consent_revoke(referral=referral, by="alice")
    assert _call("get", path, keys["ms_rw"]).status_code == 404
    listed = _call("get", "/api/v1/partner/referrals/", keys["ms_rw"]).json()
    assert str(referral.public_id) not in {row["id"] for row in listed}


def test_keys_unknown_expired_revoked_or_missing_are_refused(group, keys):
    assert _call("get", "/api/v1/partner/referrals/", None).status_code in (401, 403)
    wrong = _call("get", "/api/v1/partner/referrals/", "smp_nothere_secret")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "partner_key_invalid"
    prefix = keys["ms_rw"].split("_")[1]
    tampered = _call("get", "/api/v1/partner/referrals/", f"smp_{prefix}_{uuid.uuid4().hex}")
    assert tampered.status_code == 401
    key = PartnerApiKey.objects.get(prefix=prefix)
    key.expires_at = timezone.now() - datetime.timedelta(seconds=1)
    key.save()
    expired = _call("get", "/api/v1/partner/referrals/", keys["ms_rw"])
    assert expired.status_code == 401 and expired.json()["error"]["code"] == "partner_key_expired"
    partner_key_revoke(key=PartnerApiKey.objects.get(prefix=keys["cc_rw"].split("_")[1]))
    revoked = _call("get", "/api/v1/partner/referrals/", keys["cc_rw"])
    assert revoked.status_code == 401 and revoked.json()["error"]["code"] == "partner_key_revoked"
    # The key is never stored in clear.
    assert not PartnerApiKey.objects.filter(secret_hash__contains=keys["ms_ro"].split("_", 2)[2]).exists()


def test_a_group_managers_session_is_not_a_partner_key(group):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=group.manager_username))
    assert client.get("/api/v1/partner/referrals/", HTTP_HOST="localhost").status_code in (401, 403)


@override_settings(
    REST_FRAMEWORK={
        "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
        "DEFAULT_THROTTLE_RATES": {"partner_key": "3/minute"},
    }
)
def test_each_key_has_its_own_rate_limit(group, keys):
    from rest_framework.settings import api_settings

    from federation_api.partner_api import PerKeyThrottle

    caches["default"].clear()
    # The class keeps the rates it read at import; put back exactly those afterwards (the settings
    # still hold the 3/minute override when the `finally` runs).
    original = PerKeyThrottle.THROTTLE_RATES
    PerKeyThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
    try:
        codes = [_call("get", "/api/v1/partner/referrals/", keys["ms_ro"]).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = _call("get", "/api/v1/partner/referrals/", keys["ms_ro"]).json()
        assert limited["error"]["code"] == "throttled"
        assert _call("get", "/api/v1/partner/referrals/", keys["ms_rw"]).status_code == 200  # another key
    finally:
        PerKeyThrottle.THROTTLE_RATES = original
        caches["default"].clear()


def test_an_id_that_is_not_a_uuid_is_a_404_in_the_error_format(group, keys):
    """Found by the API fuzzer: no route matches such an address, and Django's HTML 404 page answered."""
    before = sorted(Referral.objects.values_list("public_id", "status"))
    for method, path in [
        ("get", "/api/v1/partner/referrals/42/"),
        ("post", "/api/v1/partner/referrals/not-a-uuid/accept/"),
        ("post", "/api/v1/partner/webhooks/deliveries/0/redeliver/"),
    ]:
        response = _call(method, path, keys["ms_rw"])
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found", path
    assert sorted(Referral.objects.values_list("public_id", "status")) == before
