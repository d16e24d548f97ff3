"""One error format for every API: ``{"error": {"code", "message", "field"?, "fields"?}}``.

Also: how the OpenAPI descriptions document it (``ErrorSerializer``, ``RefusalsSchema``), and the 404 of
an address that matches no route (``page_not_found``), in that format under ``/api/``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import defaults
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
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


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler404`` of the group's and the entities' URLs: an address under ``/api/`` that matches no
    route (an id that is not a UUID, a typo) answers in the API's error format, not with an HTML page."""
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        message = str(exceptions.NotFound.default_detail)
        return JsonResponse({"error": {"code": "not_found", "message": message}}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


# --- documentation of errors ----------------------------------------------------------------------


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_lazy("Stable error code, e.g. billing_payment_exceeds_due."))
    message = serializers.CharField(help_text=_lazy("Translated message for people."))
    field = serializers.CharField(required=False, allow_null=True, help_text=_lazy("The input field at fault, if one."))
    details = serializers.DictField(
        required=False, child=serializers.CharField(), help_text=_lazy("Figures of the refusal.")
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()  # "fields" cannot be declared as a class attribute of a serializer
        fields["fields"] = serializers.DictField(
            required=False, help_text=_lazy("Per-field messages of invalid input.")
        )
        return fields


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


REFUSAL_TEXTS = {
    400: "Invalid input or filter, or refused by a business rule.",
    401: "No credentials, or credentials that are not valid.",
    403: "Not allowed: a role or a scope is missing.",
    404: "No such object (or an id that is not a UUID).",
    409: "Refused by the current state of the object.",
    429: "Too many requests for this key; try again later.",
}


class RefusalsSchema(AutoSchema):
    """Documents the refusals of every operation of an API in the error format, from its shape: the
    statuses of ``always``, 404 with a path parameter, 400 (and 404, ``query_404``) with query parameters,
    ``write`` statuses for POST/PUT/PATCH/DELETE. A view's own ``extend_schema`` responses come first."""

    always: tuple[int, ...] = ()
    query_404 = False
    write: tuple[int, ...] = (400, 409)

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        where = {parameter.get("in") for parameter in operation.get("parameters", [])}
        statuses = set(self.always)
        if "path" in where:
            statuses.add(404)
        if "query" in where:
            statuses |= {400, 404} if self.query_404 else {400}
        if self.method.upper() in ("POST", "PUT", "PATCH", "DELETE"):
            statuses |= set(self.write)
        for code in sorted(statuses):
            response = OpenApiResponse(ErrorSerializer, description=REFUSAL_TEXTS[code])
            operation["responses"].setdefault(str(code), self._get_response_for_code(response, str(code)))
        return operation
