"""A database that does not answer is a clean 503, never a 500 or a traceback page.

``handler500`` of both URL configurations. Django calls it inside the ``except`` block of whatever a
view or a middleware raised, so the exception is at hand: a ``django.db.OperationalError`` or
``InterfaceError`` (PostgreSQL restarting, failing over or shutting down, a connection cut, a
connection refused, a statement cancelled) answers 503 with ``Retry-After``: under ``/api/`` (or
``Accept: application/json``) in the API error format with the stable code ``database_unavailable``,
elsewhere as a small translated page. Nothing of the request was committed unless its transaction had
already committed before the error (a write is one transaction: it is all there or not at all).
Every other exception gets Django's plain 500 page, as before.

The page is rendered without the request's context processors: they would read the database again
(the signed-in user). The next request reconnects on its own (``CONN_HEALTH_CHECKS``).
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

DATABASE_UNAVAILABLE = "database_unavailable"
RETRY_AFTER_SECONDS = 5


def database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request: HttpRequest) -> HttpResponse:
    if not database_unavailable(sys.exc_info()[1]):
        return defaults.server_error(request)
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    with translation.override(language):
        message = _("The service is briefly unavailable. Please try again in a few seconds.")
        response: HttpResponse
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            response = JsonResponse({"error": {"code": DATABASE_UNAVAILABLE, "message": message}}, status=503)
        else:
            body = loader.render_to_string("unavailable.html", {"message": message, "code": DATABASE_UNAVAILABLE})
            response = HttpResponse(body, status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers.setdefault("Content-Language", language)
    response.headers["Cache-Control"] = "no-store"
    return response
