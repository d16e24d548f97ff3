"""Request plumbing: host -> entity -> schema, the entity's language, and read-only closed entities.

Every request starts and ends on the public schema, whatever happened in between (exceptions and
streamed responses included).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import set_urlconf
from django.utils import translation

from config.db import connection

from . import errors
from .routing import normalize_host, routing_cache

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def error_response(request: HttpRequest, code: str, status: int) -> HttpResponse:
    """Answered before any language middleware ran: speak the browser's language."""
    language = translation.get_language_from_request(request)
    with translation.override(language):
        message = errors.MESSAGES[code]
        if wants_json(request):
            response: HttpResponse = JsonResponse({"error": {"code": code, "message": str(message)}}, status=status)
        else:
            response = render(request, "registry/error.html", {"code": code, "message": message}, status=status)
    response.headers.setdefault("Content-Language", language)
    return response


class EntityRoutingMiddleware:
    """Selects the schema from the host name: the base domain is the group site (public schema), any
    other known host is one entity. Unknown hosts get a 404 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection.set_schema_to_public()
        try:
            response = self._route(request)
        except BaseException:
            connection.set_schema_to_public()
            raise
        if isinstance(response, StreamingHttpResponse):
            entity = getattr(request, "entity", None)
            response.streaming_content = _in_entity(entity, response.streaming_content)  # type: ignore[arg-type]
        connection.set_schema_to_public()
        return response

    def _route(self, request: HttpRequest) -> HttpResponse:
        request.entity = None  # type: ignore[attr-defined]
        try:
            host = normalize_host(request.get_host())
        except DisallowedHost:
            set_urlconf(settings.PUBLIC_SCHEMA_URLCONF)
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF  # type: ignore[attr-defined]
            return error_response(request, errors.UNKNOWN_HOST, 404)
        if host == settings.BASE_DOMAIN:
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF  # type: ignore[attr-defined]
            set_urlconf(request.urlconf)  # type: ignore[attr-defined]
            return self.get_response(request)
        entity = routing_cache.resolve(host)
        if entity is None:
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF  # type: ignore[attr-defined]
            set_urlconf(request.urlconf)  # type: ignore[attr-defined]
            return error_response(request, errors.UNKNOWN_HOST, 404)
        entity.domain_url = host
        request.entity = entity  # type: ignore[attr-defined]
        request.tenant = entity  # type: ignore[attr-defined]
        connection.set_tenant(entity)
        request.urlconf = settings.ROOT_URLCONF  # type: ignore[attr-defined]
        set_urlconf(request.urlconf)  # type: ignore[attr-defined]
        return self.get_response(request)


def _in_entity(entity: Any, content: Iterator[bytes]) -> Iterator[bytes]:
    """Streamed bodies are produced after the middleware returned: read them in the entity's schema."""
    try:
        if entity is not None:
            connection.set_tenant(entity)
        yield from content
    finally:
        connection.set_schema_to_public()


class EntityLocaleMiddleware(LocaleMiddleware):
    """On an entity's subdomain the entity's default language applies unless the person chose one."""

    def process_request(self, request: HttpRequest) -> None:
        entity = getattr(request, "entity", None)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        if chosen in supported:
            translation.activate(chosen)
        elif entity is not None:
            translation.activate(entity.default_language)
        else:
            super().process_request(request)
            return
        request.LANGUAGE_CODE = translation.get_language()  # type: ignore[attr-defined]


# Writes a closed entity still accepts: signing in and out, choosing a language.
_CLOSED_ENTITY_WRITABLE = ("/accounts/login/", "/accounts/logout/", "/i18n/")


class ClosedEntityReadOnlyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        entity = getattr(request, "entity", None)
        if (
            entity is not None
            and entity.is_closed
            and request.method not in SAFE_METHODS
            and not request.path.startswith(_CLOSED_ENTITY_WRITABLE)
        ):
            return error_response(request, errors.ENTITY_CLOSED_READ_ONLY, 409)
        return self.get_response(request)
