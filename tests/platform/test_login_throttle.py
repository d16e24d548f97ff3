"""Sign-in throttling on the staff, group and admin login pages.

Every test uses its own usernames and client address: the cache (tenant-keyed) outlives a test."""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import translation
from django_tenants.utils import tenant_context

from config.login_throttle import locked_message

pytestmark = pytest.mark.django_db

LIMITS = {
    "LOGIN_THROTTLE_USERNAME_FAILURES": 3,
    "LOGIN_THROTTLE_ADDRESS_FAILURES": 6,
    "LOGIN_THROTTLE_WINDOW_SECONDS": 600,
}


@pytest.fixture
def limits():
    with override_settings(**LIMITS):
        yield


def _address() -> str:
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


def _post(host: str, username: str, password: str, address: str, path: str = "/accounts/login/", **extra):
    return Client().post(
        path, {"username": username, "password": password}, HTTP_HOST=host, REMOTE_ADDR=address, **extra
    )


def _staff(entity, username: str, password: str, **fields) -> None:
    with tenant_context(entity):
        get_user_model().objects.create_user(username=username, email=username, password=password, **fields)


def test_staff_login_locks_after_n_failures_even_for_the_right_password(group, limits):
    username, password, address = f"lock-{uuid.uuid4().hex[:8]}@t.test", "right-pw-1", _address()
    _staff(group.beta.entity, username, password)
    host = group.beta.host
    for _ in range(3):
        assert _post(host, username, "wrong", address).status_code == 200
    refused = _post(host, username, password, address)
    assert refused.status_code == 429
    assert "_auth_user_id" not in refused.wsgi_request.session
    with translation.override("en"):
        assert locked_message() in refused.content.decode()
    assert locked_message() == "Too many failed sign-in attempts. Please wait 10 min before trying again."
    # Another address does not help: the username is locked.
    assert _post(host, username, password, _address()).status_code == 429


def test_an_unknown_username_is_refused_exactly_like_a_known_one(group, limits):
    known, address_known = f"known-{uuid.uuid4().hex[:8]}@t.test", _address()
    unknown, address_unknown = f"nobody-{uuid.uuid4().hex[:8]}@t.test", _address()
    _staff(group.beta.entity, known, "right-pw-2")
    answers = {}
    for username, address in ((known, address_known), (unknown, address_unknown)):
        statuses = [_post(group.beta.host, username, "wrong", address).status_code for _ in range(4)]
        answers[username] = (statuses, _post(group.beta.host, username, "wrong", address).content.decode())
    assert answers[known][0] == answers[unknown][0] == [200, 200, 200, 429]

    def same(html: str) -> str:  # the CSRF token differs on every page
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html).replace(known, unknown)

    assert same(answers[known][1]) == same(answers[unknown][1])


def test_the_same_username_in_two_entities_is_counted_apart(group, limits):
    username, address = f"twin-{uuid.uuid4().hex[:8]}@t.test", _address()
    _staff(group.alpha.entity, username, "alpha-pw")
    _staff(group.beta.entity, username, "beta-pw")
    for _ in range(3):
        _post(group.alpha.host, username, "wrong", address)
    assert _post(group.alpha.host, username, "alpha-pw", address).status_code == 429
    signed_in = _post(group.beta.host, username, "beta-pw", address)
    assert signed_in.status_code == 302
    # and the group domain's account of that name (public schema) is not locked either
    get_user_model().objects.create_user(username=username, email=username, password="group-pw")
    assert _post("localhost", username, "group-pw", address).status_code == 302


def test_a_successful_login_resets_the_username_counter(group, limits):
    username = f"reset-{uuid.uuid4().hex[:8]}@t.test"
    _staff(group.gamma.entity, username, "right-pw-3")
    host = group.gamma.host
    for _ in range(2):
        assert _post(host, username, "wrong", _address()).status_code == 200
    assert _post(host, username, "right-pw-3", _address()).status_code == 302
    for _ in range(2):
        assert _post(host, username, "wrong", _address()).status_code == 200
    assert _post(host, username, "right-pw-3", _address()).status_code == 302
    for _ in range(3):
        _post(host, username, "wrong", _address())
    assert _post(host, username, "right-pw-3", _address()).status_code == 429


def test_one_address_is_locked_across_usernames(group, limits):
    address = _address()
    username = f"victim-{uuid.uuid4().hex[:8]}@t.test"
    _staff(group.alpha.entity, username, "right-pw-4")
    for i in range(6):
        assert _post(group.alpha.host, f"guess-{i}-{uuid.uuid4().hex[:6]}@t.test", "x", address).status_code == 200
    assert _post(group.alpha.host, username, "right-pw-4", address).status_code == 429
    assert _post(group.alpha.host, username, "right-pw-4", _address()).status_code == 302


@override_settings(LOGIN_THROTTLE_CLIENT_ADDRESS_HEADER="X-Forwarded-For", **LIMITS)
def test_the_address_comes_from_the_proxy_header_when_configured(group):
    proxied = _address()
    for i in range(6):
        _post(
            group.alpha.host,
            f"p-{i}-{uuid.uuid4().hex[:6]}@t.test",
            "x",
            "127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {proxied}",
        )
    assert _post(group.alpha.host, "any@t.test", "x", "127.0.0.1", HTTP_X_FORWARDED_FOR=proxied).status_code == 429
    assert _post(group.alpha.host, "any@t.test", "x", "127.0.0.1", HTTP_X_FORWARDED_FOR=_address()).status_code == 200


def test_group_login_and_both_admin_logins_are_throttled(group, limits):
    username = f"admin-{uuid.uuid4().hex[:8]}@t.test"
    get_user_model().objects.create_user(username=username, password="group-pw", is_staff=True, is_superuser=True)
    address = _address()
    for _ in range(3):
        assert _post("localhost", username, "wrong", address, path="/admin/login/").status_code == 200
    admin_refused = _post("localhost", username, "group-pw", address, path="/admin/login/")
    assert admin_refused.status_code == 429
    with translation.override("en"):
        assert locked_message() in admin_refused.content.decode()
    # the same counter guards the group's own sign-in page
    assert _post("localhost", username, "group-pw", _address()).status_code == 429

    staff = f"eadmin-{uuid.uuid4().hex[:8]}@t.test"
    _staff(group.beta.entity, staff, "staff-pw", is_staff=True, is_superuser=True)
    for _ in range(3):
        assert _post(group.beta.host, staff, "wrong", _address(), path="/admin/login/").status_code == 200
    assert _post(group.beta.host, staff, "staff-pw", _address(), path="/admin/login/").status_code == 429


def test_the_message_is_in_the_page_language(group, limits):
    """Alpha's pages are in French by default: the refusal is rendered in the request's language."""
    username, address = f"fr-{uuid.uuid4().hex[:8]}@t.test", _address()
    for _ in range(3):
        _post(group.alpha.host, username, "wrong", address)
    refused = _post(group.alpha.host, username, "wrong", address)
    assert refused.status_code == 429
    assert refused["Content-Language"] == "fr"
    with translation.override("fr"):
        expected = locked_message()
    assert expected in refused.content.decode()
    dutch = Client()
    dutch.cookies["django_language"] = "nl"
    again = dutch.post(
        "/accounts/login/", {"username": username, "password": "x"}, HTTP_HOST=group.alpha.host, REMOTE_ADDR=address
    )
    assert again.status_code == 429 and again["Content-Language"] == "nl"
    with translation.override("nl"):
        assert locked_message() in again.content.decode()
