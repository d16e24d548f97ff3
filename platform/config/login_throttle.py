"""Sign-in throttling for every login form: staff (entity subdomains), group managers (group domain) and
both admin sites.

Failed attempts are counted in the cache for one window (``LOGIN_THROTTLE_WINDOW_SECONDS``, fixed from
the first failure) per submitted username and per client address. Cache keys start with the current
schema (``CACHE_KEY_FUNCTION``), so ``alice`` on one entity and ``alice`` on another, or on the group
domain, are counted apart, as their accounts are. Once a counter reaches its limit every attempt is
refused with the same translated message and a 429, *before* any password is checked: the right
password does not get through, and a username that does not exist is counted and refused exactly like
one that does, so the lockout says nothing about which accounts exist. A successful sign-in clears the
username's counter (never the address's, which would let one valid account reset it for guesses at
others).

The counting lives in the forms' ``clean`` so that the staff login and Django's admin login share it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorList
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

THROTTLED = "login_throttled"


def client_address(request: HttpRequest) -> str:
    """The address the nearest proxy of ours saw (the last entry of its header), else the peer's."""
    header = settings.LOGIN_THROTTLE_CLIENT_ADDRESS_HEADER
    if header:
        value = request.headers.get(header, "")
        if value.strip():
            return value.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _username_key(username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    return f"login-throttle:user:{digest}"


def _address_key(address: str) -> str:
    return f"login-throttle:addr:{address}"


def _count(key: str) -> int:
    return int(cache.get(key, 0))


def _increment(key: str) -> None:
    cache.add(key, 0, timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def is_locked(request: HttpRequest, username: str) -> bool:
    return (
        _count(_username_key(username)) >= settings.LOGIN_THROTTLE_USERNAME_FAILURES
        or _count(_address_key(client_address(request))) >= settings.LOGIN_THROTTLE_ADDRESS_FAILURES
    )


def failure_record(request: HttpRequest, username: str) -> None:
    _increment(_username_key(username))
    _increment(_address_key(client_address(request)))


def success_record(username: str) -> None:
    cache.delete(_username_key(username))


def locked_message() -> str:
    minutes = max(1, -(-settings.LOGIN_THROTTLE_WINDOW_SECONDS // 60))
    return gettext("Too many failed sign-in attempts. Please wait %(minutes)d min before trying again.") % {
        "minutes": minutes
    }


class _Throttled:
    request: HttpRequest | None
    data: Any

    def clean(self) -> dict[str, Any]:
        request = self.request
        username = str(self.data.get("username", ""))
        if request is None:  # a form built outside a request: nothing to count against
            return super().clean()  # type: ignore[misc, no-any-return]
        if is_locked(request, username):
            raise forms.ValidationError(locked_message(), code=THROTTLED)
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            failure_record(request, username)
            raise
        success_record(username)
        return cleaned


class ThrottledAuthenticationForm(_Throttled, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(_Throttled, AdminAuthenticationForm):
    pass


def is_throttled(form: forms.Form) -> bool:
    errors = form.errors.get(NON_FIELD_ERRORS)
    return isinstance(errors, ErrorList) and any(
        getattr(error, "code", None) == THROTTLED for error in errors.as_data()
    )


class ThrottledLoginView(LoginView):
    """The staff and group sign-in page: a refused attempt answers 429 with the message."""

    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        throttled = is_throttled(form)
        response = self.render_to_response(
            self.get_context_data(form=form, throttled=locked_message() if throttled else None)
        )
        if throttled:
            response.status_code = 429
        return response


class ThrottledAdminLoginMixin:
    """For AdminSite subclasses: Django's admin login with the throttled form, 429 when refused."""

    login_form: type[AuthenticationForm] | None = ThrottledAdminAuthenticationForm

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response: HttpResponse = super().login(request, extra_context)  # type: ignore[misc]
        form = (getattr(response, "context_data", None) or {}).get("form")
        if request.method == "POST" and isinstance(form, forms.Form) and is_throttled(form):
            response.status_code = 429
        return response
