"""Security headers on every kind of answer, under the production settings' values.

The values are read from ``config.settings.prod`` itself (in a subprocess, with secrets set), then applied
with ``override_settings``: the test follows the production module, not a copy of it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django_tenants.utils import tenant_context

from ..conftest import PROJECT_DIR, subprocess_env

pytestmark = pytest.mark.django_db

PROD_SECRETS = {
    "DJANGO_SECRET_KEY": "k" * 10 + "0123456789abcdefghijABCDEFGHIJ-_!@#$%^&*()qwerty",
    "PERSON_MATCH_SECRET": "p" * 8 + "0123456789abcdefghijABCDEFGHIJ",
}
SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICIES",
    "MIDDLEWARE",
]


@pytest.fixture(scope="module")
def prod_security() -> dict[str, Any]:
    script = (
        "import json; from config.settings import prod; "
        f"print(json.dumps({{name: getattr(prod, name) for name in {SECURITY_SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env=subprocess_env(**PROD_SECRETS),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture
def prod_settings(prod_security):
    with override_settings(**prod_security):
        yield prod_security


def _https(client: Client, method: str, path: str, host: str, **extra: Any) -> Any:
    return getattr(client, method)(path, HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https", **extra)


def _csp(response: Any) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def _assert_security_headers(response: Any) -> dict[str, list[str]]:
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = _csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["script-src"][0] == "'self'"
    assert re.fullmatch(r"'nonce-[\w-]{24}'", policy["script-src"][1])
    assert len(policy["script-src"]) == 2  # no 'unsafe-inline', no 'unsafe-eval', no other origin
    return policy


def _assert_strict_styles(policy: dict[str, list[str]]) -> None:
    assert policy["style-src"][0] == "'self'" and policy["style-src"][1].startswith("'nonce-")
    assert len(policy["style-src"]) == 2
    assert policy["img-src"] == ["'self'"]


def _assert_no_inline_code(html: str) -> None:
    """Nothing the strict policy would block: every script is a file, no style block or attribute, no
    inline event handler."""
    assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert not re.findall(r"""\sstyle=["']""", html)
    assert not re.findall(r"""\son[a-z]+=["']""", html, re.IGNORECASE)


def test_html_pages_of_the_group_and_of_an_entity(group, prod_settings):
    for host in ("localhost", group.alpha.host):
        response = _https(Client(), "get", "/accounts/login/", host)
        assert response.status_code == 200
        _assert_strict_styles(_assert_security_headers(response))
        html = response.content.decode()
        _assert_no_inline_code(html)
        assert "/static/platform/base.css" in html and "/static/platform/base.js" in html
        assert "data-submit-on-change" in html


def test_signed_in_pages_and_the_dashboard_have_no_inline_code(group, prod_settings):
    client = Client()
    client.force_login(get_user_model().objects.get(username=group.manager_username))
    for path in ("/", "/dashboard/"):
        response = _https(client, "get", path, "localhost")
        assert response.status_code == 200, path
        _assert_strict_styles(_assert_security_headers(response))
        _assert_no_inline_code(response.content.decode())
    staff = Client()
    with tenant_context(group.alpha.entity):
        staff.force_login(get_user_model().objects.get(username=group.alpha.staff_username))
    for path in ("/", "/members/", "/activities/"):
        response = _https(staff, "get", path, group.alpha.host)
        assert response.status_code == 200, path
        _assert_security_headers(response)
        _assert_no_inline_code(response.content.decode())


def test_api_responses(group, prod_settings):
    refused = _https(Client(), "get", "/api/v1/members/", group.alpha.host)
    assert refused.status_code == 403
    _assert_security_headers(refused)
    assert refused["Content-Type"] == "application/json"
    staff = Client()
    with tenant_context(group.alpha.entity):
        staff.force_login(get_user_model().objects.get(username=group.alpha.staff_username))
    listed = _https(staff, "get", "/api/v1/members/", group.alpha.host)
    assert listed.status_code == 200
    _assert_security_headers(listed)


def test_error_pages_404_and_403(group, prod_settings):
    unknown_host = _https(Client(), "get", "/", "nobody.localhost")
    assert unknown_host.status_code == 404
    _assert_strict_styles(_assert_security_headers(unknown_host))
    unknown_host_api = _https(Client(), "get", "/api/v1/members/", "nobody.localhost")
    assert unknown_host_api.status_code == 404
    _assert_security_headers(unknown_host_api)
    missing = _https(Client(), "get", "/no-such-page/", group.alpha.host)
    assert missing.status_code == 404
    _assert_security_headers(missing)
    # A form posted without its CSRF token: Django's 403 page.
    forbidden = _https(
        Client(enforce_csrf_checks=True),
        "post",
        "/accounts/login/",
        "localhost",
        data={"username": "x", "password": "y"},
        HTTP_REFERER="https://localhost/accounts/login/",
    )
    assert forbidden.status_code == 403
    _assert_security_headers(forbidden)


def test_plain_http_is_redirected_to_https(group, prod_settings):
    response = Client().get("/accounts/login/", HTTP_HOST=group.alpha.host)
    assert response.status_code == 301
    assert response["Location"] == f"https://{group.alpha.host}/accounts/login/"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_cookies_are_secure_httponly_and_same_site(group, prod_settings):
    client = Client()
    page = _https(client, "get", "/accounts/login/", group.alpha.host)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    signed_in = _https(
        client,
        "post",
        "/accounts/login/",
        group.alpha.host,
        data={"username": group.alpha.staff_username, "password": group.alpha.staff_password},
    )
    assert signed_in.status_code == 302
    session = signed_in.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    language = _https(client, "post", "/i18n/setlang/", group.alpha.host, data={"language": "nl", "next": "/"})
    chosen = language.cookies["django_language"]
    assert chosen["secure"] and chosen["httponly"] and chosen["samesite"] == "Lax"


@pytest.mark.parametrize("page", ["docs", "redoc"])
def test_api_documentation_pages_relax_styles_only_and_nonce_their_scripts(group, prod_settings, page):
    client = Client()
    client.force_login(get_user_model().objects.get(username=group.manager_username))
    first = _https(client, "get", f"/api/v1/federation/{page}/", "localhost")
    second = _https(client, "get", f"/api/v1/federation/{page}/", "localhost")
    assert first.status_code == 200
    policy = _assert_security_headers(first)
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert policy["img-src"] == ["'self'", "data:"]
    nonce = policy["script-src"][1][len("'nonce-") : -1]
    html = first.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert _csp(second)["script-src"][1] != policy["script-src"][1]  # a new nonce for every answer
    partner = _https(Client(), "get", f"/api/v1/partner/{page}/", "localhost")
    assert partner.status_code == 200
    assert _csp(partner)["style-src"] == ["'self'", "'unsafe-inline'"]
