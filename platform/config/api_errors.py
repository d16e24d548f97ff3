"""One error format for every API: ``{"error": {"code", "message", "field"?, "fields"?}}``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import PlatformError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, PlatformError):
        return Response({"error": exc.as_dict()}, status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        body = {"error": {"code": "invalid", "message": _("Invalid input."), "fields": response.data}}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        body = {"error": {"code": code, "message": str(exc.detail)}}
    else:  # pragma: no cover - DRF only handles APIException subclasses and Http404/PermissionDenied
        body = {"error": {"code": "error", "message": str(response.data)}}
    if response.status_code == status.HTTP_404_NOT_FOUND:
        body["error"]["code"] = "not_found"
    response.data = body
    return response
