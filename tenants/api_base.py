"""What every view of the entity REST API (``/api/v1/`` on an entity's subdomain) stands on.

* ``EntityAPIView``: the one base class of every entity API view. It refuses to run anywhere but on an
  entity's subdomain with the connection on that entity's schema, lets only the entity's staff in,
  paginates with ``limit``/``offset`` (refusing bad values), validates filters given as query
  parameters, and runs every write in one transaction that is rolled back on any refusal.
* Serializer fields shared by the apps: money amounts (decimal strings, never floats), money out as
  ``{"amount": "12.50", "currency": "EUR"}``, references to other objects by their public UUID, and
  strings whose allowed values the service checks (with its own error code).

Views stay thin: parse the input, call one service (writes) or build one queryset (reads), serialize.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_choice_field
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import pagination, permissions, serializers
from rest_framework.fields import empty
from rest_framework.generics import GenericAPIView
from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request
from rest_framework.response import Response

from config.api_errors import ErrorSerializer
from config.db import connection
from config.errors import ErrorCatalog

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

FILTER_INVALID = "api_filter_invalid"
PAGINATION_INVALID = "api_pagination_invalid"
catalog = ErrorCatalog(
    {
        FILTER_INVALID: _("Invalid filter %(name)s: %(problem)s"),
        PAGINATION_INVALID: _("%(name)s must be a whole number of at least %(minimum)s."),
    }
)


class EntityRequiredError(ImproperlyConfigured):
    """An entity API view was reached without an entity: a URL configuration mistake, never data."""


def require_entity(request: HttpRequest) -> Any:
    """The request's entity, checked to be the schema the connection is on."""
    entity = getattr(request, "entity", None)
    if entity is None or connection.schema_name in ("", "public"):
        raise EntityRequiredError(
            "The entity API runs only on an entity's subdomain (no request.entity, or the connection is on "
            "the public schema): entity API URLs must never be included in the group URL configuration."
        )
    if connection.schema_name != entity.schema_name:
        raise EntityRequiredError(
            f"The connection is on schema {connection.schema_name!r}, not on the entity's {entity.schema_name!r}."
        )
    return entity


class IsEntityStaff(permissions.BasePermission):
    """Signed-in staff of this entity (users live in the entity's own schema)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and user.is_active)


class EntityPagination(pagination.LimitOffsetPagination):
    """``limit``/``offset`` pagination that refuses a bad value (400) instead of ignoring it."""

    default_limit = 50
    max_limit = 500

    def get_limit(self, request: Request) -> int | None:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None or raw == "":
            return self.default_limit
        return min(_whole_number(self.limit_query_param, raw, minimum=1), self.max_limit)

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw is None or raw == "":
            return 0
        return _whole_number(self.offset_query_param, raw, minimum=0)


def _whole_number(name: str, raw: str, *, minimum: int) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", raw) or int(raw) < minimum:
        raise catalog.error(PAGINATION_INVALID, field=name, name=name, minimum=minimum)
    return int(raw)


class EntityMetadata(SimpleMetadata):
    """OPTIONS answers name, description and formats; the fields are described by the OpenAPI schema."""

    def determine_metadata(self, request: Request, view: Any) -> dict[str, Any]:
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "schema": reverse("api-schema"),
        }


class EntityAPIView(GenericAPIView):
    """The base class of every entity API view.

    Subclasses set ``queryset`` (or ``get_queryset``), ``lookup_url_kwarg`` (the public UUID in the
    URL, e.g. ``invoice_id``) and, for lists, ``filter_serializer_class``; they implement ``get`` /
    ``post`` with the helpers below.
    """

    permission_classes = [IsEntityStaff]
    pagination_class = EntityPagination
    metadata_class = EntityMetadata
    lookup_field = "public_id"
    filter_serializer_class: type[serializers.Serializer] | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        require_entity(request)
        super().initial(request, *args, **kwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if (request.method or "GET").upper() in SAFE_METHODS:
            return super().dispatch(request, *args, **kwargs)
        # One transaction per write; any refusal (4xx) or failure rolls all of it back.
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
            return response

    # --- helpers ----------------------------------------------------------------------------------

    @property
    def entity(self) -> Any:
        return require_entity(self.request)

    @property
    def by(self) -> str:
        """Who does it, for the services' audit fields."""
        return self.request.user.get_username()

    def today(self) -> datetime.date:
        return timezone.localdate()

    def filters(self) -> dict[str, Any]:
        """The query parameters, validated by ``filter_serializer_class``; a bad value is a 400."""
        if self.filter_serializer_class is None:
            return {}
        params = {key: value for key, value in self.request.query_params.items() if value != ""}
        serializer = self.filter_serializer_class(data=params)
        if not serializer.is_valid():
            name, problems = next(iter(serializer.errors.items()))
            problem = problems[0] if isinstance(problems, list) and problems else problems
            raise catalog.error(FILTER_INVALID, field=name, name=name, problem=problem)
        return dict(serializer.validated_data)

    def validated(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The request body, validated (a 400 in the project's error format otherwise)."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def paginated(
        self, items: Sequence[Any] | models.QuerySet[Any], serializer_class: type[serializers.Serializer]
    ) -> Response:
        page = self.paginate_queryset(items)  # type: ignore[arg-type]
        assert page is not None
        return self.get_paginated_response(
            serializer_class(page, many=True, context=self.get_serializer_context()).data
        )

    def respond(self, instance: Any, serializer_class: type[serializers.Serializer], status: int = 200) -> Response:
        return Response(serializer_class(instance, context=self.get_serializer_context()).data, status=status)


# --- serializer fields ----------------------------------------------------------------------------

_DECIMAL_STRING = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


class ExactDecimalField(serializers.DecimalField):
    """A decimal given as a JSON string (``"12.50"``) or a JSON integer (``12``), never as a JSON number
    with a fraction or exponent (``12.5``, ``1e3``): JSON parsers read those as binary floats."""

    default_error_messages = {
        "not_exact": _(
            'Give decimal amounts as strings ("12.50") or whole numbers, never as JSON numbers with a fraction '
            "or an exponent."
        ),
        "not_plain": _('Write the amount with digits and at most one decimal point ("1234.50").'),
    }

    def __init__(self, *, max_digits: int = 18, decimal_places: int = 2, **kwargs: Any) -> None:
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, (bool, float)):
            self.fail("not_exact")
        if isinstance(data, int):
            data = str(data)
        if not isinstance(data, str) or not _DECIMAL_STRING.match(data.strip()):
            self.fail("not_plain")
        value = super().to_internal_value(data.strip())
        assert isinstance(value, Decimal)
        return value


class AmountField(ExactDecimalField):
    """A money amount (two decimal places at most; the service rounds it by its currency's rule)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _('Decimal string, e.g. "12.50" (JSON numbers with a fraction are refused).'))
        super().__init__(max_digits=18, decimal_places=2, **kwargs)


class MoneySerializer(serializers.Serializer):
    """Money out: ``{"amount": "12.50", "currency": "EUR"}``."""

    amount = serializers.DecimalField(max_digits=20, decimal_places=2, coerce_to_string=True)
    currency = serializers.CharField()


def money(amount: Decimal | None, currency: str) -> dict[str, Any] | None:
    if amount is None:
        return None
    return MoneySerializer({"amount": amount, "currency": currency}).data


class MoneyField(serializers.Field):
    """Read-only money of an object: ``source`` holds the amount, ``currency_attribute`` (dotted) its currency."""

    def __init__(self, *, currency_attribute: str = "currency", **kwargs: Any) -> None:
        kwargs["read_only"] = True
        self.currency_attribute = currency_attribute
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> Any:
        return instance

    def to_representation(self, instance: Any) -> Any:
        assert self.source_attrs
        amount = instance
        for attr in self.source_attrs:
            amount = getattr(amount, attr)
        currency = instance
        for attr in self.currency_attribute.split("."):
            currency = getattr(currency, attr)
        return money(amount, currency)


class _MoneyFieldSchema(OpenApiSerializerFieldExtension):
    target_class = MoneyField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        return auto_schema.resolve_serializer(MoneySerializer, direction).ref


class PublicIdRelatedField(serializers.SlugRelatedField):
    """Another object of this entity, given by its public UUID (an unknown UUID is a 400 on this field)."""

    default_error_messages = {
        "does_not_exist": _("There is no such object in this entity."),
        "invalid": _("Must be a valid UUID."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="public_id", **kwargs)

    def to_internal_value(self, data: Any) -> Any:
        try:
            uuid_value = serializers.UUIDField().to_internal_value(data)
        except serializers.ValidationError:
            self.fail("invalid")
        return super().to_internal_value(uuid_value)


@extend_schema_field({"type": "string", "anyOf": [{"format": "email"}, {"maxLength": 0}]})
class BlankableEmailField(serializers.CharField):
    """An e-mail address on output that may be empty (``""``): documented as such, not as ``format: email``
    alone (which ``""`` does not match). Inputs keep ``serializers.EmailField``."""


class ServiceChoiceField(serializers.CharField):
    """A string whose allowed values the service checks, refusing others with its own error code (the
    rule stays in one place); the choices ``(value, label)`` are given here for the documentation only."""

    def __init__(self, *, choices: Iterable[tuple[str, Any]], **kwargs: Any) -> None:
        self.documented_choices = list(choices)
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)


def country_field(**kwargs: Any) -> ServiceChoiceField:
    """An ISO 3166-1 alpha-2 country code, checked by the service (or a validator); the OpenAPI description
    lists the codes, so that clients (and the fuzzer) know them."""
    from tenants.registry.validators import country_codes

    kwargs.setdefault("max_length", 2)
    return ServiceChoiceField(choices=[(code, code) for code in sorted(country_codes())], **kwargs)


class _ServiceChoiceSchema(OpenApiSerializerFieldExtension):
    """Documented exactly like a ChoiceField with the same choices (so they share one enum component)."""

    target_class = ServiceChoiceField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> Any:
        schema = build_choice_field(serializers.ChoiceField(choices=self.target.documented_choices))
        if self.target.default is not empty:
            schema["default"] = self.target.default
        return schema


# --- documentation of errors ----------------------------------------------------------------------


_ERROR_TEXTS = {
    400: "Invalid input, or refused by a business rule.",
    403: "Not signed in, or not staff of this entity.",
    404: "No such object in this entity.",
    409: "Refused by the current state (already issued, not covered by the balance...).",
}


def errors_for(*statuses: int) -> dict[int, OpenApiResponse]:
    return {status: OpenApiResponse(ErrorSerializer, description=_ERROR_TEXTS[status]) for status in statuses}


READ_ERRORS = errors_for(403)
LIST_ERRORS = errors_for(400, 403)  # a bad filter or limit/offset is a 400
SUBLIST_ERRORS = errors_for(400, 403, 404)
DETAIL_ERRORS = errors_for(403, 404)
WRITE_ERRORS = errors_for(400, 403, 409)
ACTION_ERRORS = errors_for(400, 403, 404, 409)
