"""The federation API for group management (``/api/v1/federation/`` on the group domain).

Every view derives from ``FederationApiView``, which cannot be used unscoped: a subclass that does
not declare the ``roles`` allowed to call it and the ``scopes`` it needs is refused when the class is
defined, and at request time it refuses to run outside the public schema or for a user without one
of the declared roles. Roles: ``group_manager`` (superusers of the group site) and
``federation_reader`` (members of the Django group of that name).
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_docs import RedocPage, SwaggerPage
from config.api_errors import RefusalsSchema
from config.db import connection

from . import selectors
from .rates import PeriodRate
from .selectors import Figures, Filters, StageRow

GROUP_MANAGER = "group_manager"
FEDERATION_READER = "federation_reader"
ROLES = frozenset({GROUP_MANAGER, FEDERATION_READER})
SCOPES = frozenset({"figures:read", "guarantee:read", "members:read"})


def roles_of(user: Any) -> set[str]:
    if not user or not user.is_authenticated or not user.is_active:
        return set()
    roles = set()
    if user.is_superuser:
        roles.add(GROUP_MANAGER)
    if user.groups.filter(name=FEDERATION_READER).exists():
        roles.add(FEDERATION_READER)
    return roles


class HasDeclaredRole(permissions.BasePermission):
    message = _("Your role does not allow this federation endpoint.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(roles_of(request.user) & view.roles)


class FederationSchema(RefusalsSchema):
    always = (403,)  # not a group manager nor a federation reader
    query_404 = True  # the entity filter names an entity that does not exist


class FederationApiView(APIView):
    """Base of every federation endpoint; ``roles`` and ``scopes`` are mandatory."""

    schema = FederationSchema()

    roles: ClassVar[frozenset[str]] = frozenset()
    scopes: ClassVar[frozenset[str]] = frozenset()
    abstract: ClassVar[bool] = True
    permission_classes = [HasDeclaredRole]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("abstract", False):
            return
        if not cls.roles or not cls.roles <= ROLES:
            raise ImproperlyConfigured(f"{cls.__name__} must declare roles among {sorted(ROLES)}")
        if not cls.scopes or not cls.scopes <= SCOPES:
            raise ImproperlyConfigured(f"{cls.__name__} must declare scopes among {sorted(SCOPES)}")

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if type(self).__dict__.get("abstract", False) or not self.roles or not self.scopes:
            raise ImproperlyConfigured(f"{type(self).__name__} is not scoped: declare roles and scopes")
        if connection.schema_name != get_public_schema_name():
            raise ImproperlyConfigured("the federation API runs on the group domain only")
        super().initial(request, *args, **kwargs)


# ---- input -------------------------------------------------------------------------------------

FILTER_PARAMETERS = [
    OpenApiParameter("country", str, description="ISO country code of the entities"),
    OpenApiParameter("currency", str, description="only figures kept in this currency"),
    OpenApiParameter("period_from", str, description="first month, YYYY-MM"),
    OpenApiParameter("period_to", str, description="last month, YYYY-MM (not in the future)"),
]


def _filters(request: Request, *, entity: Any = None) -> Filters:
    return selectors.filters_parse(request.query_params, entity=entity)


# ---- output ------------------------------------------------------------------------------------


def _rate(rate: PeriodRate) -> dict[str, Any]:
    return {
        "currency": rate.currency,
        "period": f"{rate.period:%Y-%m}",
        "eur_rate": str(rate.rate),
        "basis": "ecb_monthly_average",
        "fixings": rate.fixings,
    }


def _dt(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _figures(result: Figures) -> dict[str, Any]:
    return {
        "as_of": _dt(result.as_of),
        "totals_eur": {metric: str(amount) for metric, amount in result.totals_eur.items()},
        "rows": [
            {
                "key": row.key,
                "label": row.label,
                "period": f"{row.period:%Y-%m}",
                "currency": row.currency,
                "closed": row.closed,
                "as_of": _dt(row.as_of),
                "rate": _rate(row.rate),
                "figures": {
                    metric: {"amount": str(row.amounts[metric]), "eur": str(row.amounts_eur[metric])}
                    for metric in selectors.METRICS
                },
            }
            for row in result.rows
        ],
    }


def _stages(rows: list[StageRow]) -> list[dict[str, Any]]:
    return [
        {
            "stage": row.stage,
            "currency": row.currency,
            "turnover": str(row.turnover),
            "turnover_eur": str(row.turnover_eur),
            "invoicing_entries": row.entries,
        }
        for row in rows
    ]


# Response shapes, for the OpenAPI description only (the views build plain dictionaries).
class MoneySerializer(serializers.Serializer):
    amount = serializers.CharField(help_text="in the figure's own currency")
    eur = serializers.CharField(help_text="converted with the row's rate")


class RateSerializer(serializers.Serializer):
    currency = serializers.CharField()
    period = serializers.CharField()
    eur_rate = serializers.CharField(help_text="units of the currency for 1 EUR")
    basis = serializers.CharField()
    fixings = serializers.IntegerField(help_text="daily ECB fixings averaged")


class MetricsSerializer(serializers.Serializer):
    turnover = MoneySerializer()
    levy = MoneySerializer()
    wages = MoneySerializer()
    expenses = MoneySerializer()


class FigureRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the API field, not DRF's label
    period = serializers.CharField()
    currency = serializers.CharField()
    closed = serializers.BooleanField()
    as_of = serializers.DateTimeField(allow_null=True)
    rate = RateSerializer()
    figures = MetricsSerializer()


class TotalsSerializer(serializers.Serializer):
    turnover = serializers.CharField()
    levy = serializers.CharField()
    wages = serializers.CharField()
    expenses = serializers.CharField()


class FiguresSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(allow_null=True)
    totals_eur = TotalsSerializer()
    rows = FigureRowSerializer(many=True)


class StageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    currency = serializers.CharField()
    turnover = serializers.CharField()
    turnover_eur = serializers.CharField()
    invoicing_entries = serializers.IntegerField()


class EntityHeaderSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.CharField()
    name = serializers.CharField()
    country = serializers.CharField()
    currency = serializers.CharField()
    status = serializers.CharField()
    closed = serializers.BooleanField()


class BalanceSerializer(serializers.Serializer):
    account_kind = serializers.CharField()
    account_class = serializers.CharField()
    currency = serializers.CharField()
    amount = serializers.CharField(help_text="debit-positive sum")


class EntityDrillSerializer(serializers.Serializer):
    entity = EntityHeaderSerializer()
    as_of = serializers.DateTimeField(allow_null=True)
    figures = FiguresSerializer()
    activities_by_stage = StageSerializer(many=True)
    balances = BalanceSerializer(many=True)


class FundPositionSerializer(serializers.Serializer):
    currency = serializers.CharField()
    cash = serializers.CharField()
    contributions = serializers.CharField()
    endowment = serializers.CharField()
    advances = serializers.CharField()
    claims = serializers.CharField()
    write_offs = serializers.CharField()
    pending = serializers.CharField()
    at_stake = serializers.CharField()
    solvency_ratio = serializers.CharField(allow_null=True)


class ExposureSerializer(serializers.Serializer):
    entity = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the API field, not DRF's label
    currency = serializers.CharField()
    advances = serializers.CharField()
    claims = serializers.CharField()
    exposure = serializers.CharField()
    limit = serializers.CharField(allow_null=True)


class GuaranteeSerializer(serializers.Serializer):
    positions = FundPositionSerializer(many=True)
    exposure_by_entity = ExposureSerializer(many=True)


class FreshnessSerializer(serializers.Serializer):
    entity = serializers.UUIDField()
    slug = serializers.CharField()
    status = serializers.CharField()
    closed = serializers.BooleanField()
    last_drained_at = serializers.DateTimeField(allow_null=True)


class FiguresApi(FederationApiView):
    """Consolidated turnover, levy, wages and expenses per period and currency, for the whole group,
    per entity or per country, each converted to EUR with the rate of its period."""

    roles = frozenset({GROUP_MANAGER, FEDERATION_READER})
    scopes = frozenset({"figures:read"})

    @extend_schema(
        operation_id="federation_figures",
        parameters=[
            OpenApiParameter("by", str, enum=list(selectors.GROUPINGS), description="group, entity or country"),
            OpenApiParameter("entity", OpenApiTypes.UUID, description="only this entity"),
            *FILTER_PARAMETERS,
        ],
        responses=FiguresSerializer,
    )
    def get(self, request: Request) -> Response:
        filters = _filters(request)
        return Response(_figures(selectors.figures(by=request.query_params.get("by", "entity"), filters=filters)))


class EntityDrillApi(FederationApiView):
    """One entity: its figures, its activities by stage and its consolidated balances."""

    roles = frozenset({GROUP_MANAGER, FEDERATION_READER})
    scopes = frozenset({"figures:read"})

    @extend_schema(
        operation_id="federation_entity",
        parameters=FILTER_PARAMETERS,
        responses=EntityDrillSerializer,
    )
    def get(self, request: Request, entity_id: str) -> Response:
        entity = selectors.entity_get(entity_id)
        drill = selectors.entity_drill(entity=entity, filters=_filters(request, entity=entity))
        return Response(
            {
                "entity": {
                    "id": str(entity.public_id),
                    "slug": entity.slug,
                    "name": entity.display_name,
                    "country": entity.country,
                    "currency": entity.currency,
                    "status": entity.status,
                    "closed": entity.status == "closed",
                },
                "as_of": _dt(drill.as_of),
                "figures": _figures(drill.figures),
                "activities_by_stage": _stages(drill.stages),
                "balances": [
                    {"account_kind": kind, "account_class": klass, "currency": currency, "amount": str(amount)}
                    for kind, klass, currency, amount in drill.balances
                ],
            }
        )


class ActivitiesByStageApi(FederationApiView):
    """Turnover and invoicing entries per activity stage (stage at posting time)."""

    roles = frozenset({GROUP_MANAGER, FEDERATION_READER})
    scopes = frozenset({"figures:read"})

    @extend_schema(
        operation_id="federation_activities_by_stage",
        parameters=[OpenApiParameter("entity", OpenApiTypes.UUID, description="only this entity"), *FILTER_PARAMETERS],
        responses=StageSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return Response(_stages(selectors.activities_by_stage(filters=_filters(request))))


class GuaranteeApi(FederationApiView):
    """The salary guarantee fund: position and solvency per currency, exposure per entity."""

    roles = frozenset({GROUP_MANAGER, FEDERATION_READER})
    scopes = frozenset({"guarantee:read"})

    @extend_schema(operation_id="federation_guarantee", responses=GuaranteeSerializer)
    def get(self, request: Request) -> Response:
        from tenants.registry.models import Entity

        view = selectors.guarantee_view()
        ids = {int(row.key) for row in view.exposure_by_entity}
        public_ids = dict(Entity.objects.filter(pk__in=ids).values_list("pk", "public_id"))
        return Response(
            {
                "positions": [
                    {
                        "currency": p.currency,
                        "cash": str(p.cash),
                        "contributions": str(p.contributions),
                        "endowment": str(p.endowment),
                        "advances": str(p.advances),
                        "claims": str(p.claims),
                        "write_offs": str(p.write_offs),
                        "pending": str(p.pending),
                        "at_stake": str(p.at_stake),
                        "solvency_ratio": str(p.solvency_ratio) if p.solvency_ratio is not None else None,
                    }
                    for p in view.positions
                ],
                "exposure_by_entity": [
                    {
                        "entity": str(public_ids.get(int(row.key), "")),
                        "label": row.label,
                        "currency": row.currency,
                        "advances": str(row.advances),
                        "claims": str(row.claims),
                        "exposure": str(row.advances + row.claims),
                        "limit": str(row.limit) if row.limit is not None else None,
                    }
                    for row in view.exposure_by_entity
                ],
            }
        )


class FreshnessApi(FederationApiView):
    """As of when each entity's figures were drained (staleness of the consolidation)."""

    roles = frozenset({GROUP_MANAGER, FEDERATION_READER})
    scopes = frozenset({"figures:read"})

    @extend_schema(operation_id="federation_freshness", responses=FreshnessSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "entity": str(entity.public_id),
                    "slug": entity.slug,
                    "status": entity.status,
                    "closed": entity.status == "closed",
                    "last_drained_at": _dt(at),
                }
                for entity, at in selectors.freshness()
            ]
        )


class CountByCategorySerializer(serializers.Serializer):
    category = serializers.CharField()
    count = serializers.IntegerField()


class CapitalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.CharField(help_text="share capital at nominal value")


class CapitalByCategorySerializer(CapitalSerializer):
    category = serializers.CharField()


class MembershipPointSerializer(serializers.Serializer):
    period = serializers.CharField()
    joined = serializers.IntegerField(help_text="members who joined during the month")
    members = serializers.IntegerField(help_text="members at the month's end")
    cooperators = serializers.IntegerField(help_text="holders of at least one share at the month's end")
    share_capital = CapitalSerializer(many=True)


class EntityMembershipSerializer(serializers.Serializer):
    entity = serializers.UUIDField()
    slug = serializers.CharField()
    name = serializers.CharField()
    country = serializers.CharField()
    closed = serializers.BooleanField()
    counted_at = serializers.DateTimeField(allow_null=True)
    members = serializers.IntegerField()
    members_by_category = CountByCategorySerializer(many=True)
    cooperators = serializers.IntegerField(help_text="cooperators whose entity of origin it is")
    share_capital = CapitalSerializer(many=True)


class MembershipSerializer(serializers.Serializer):
    as_of = serializers.DateTimeField(allow_null=True, help_text="the oldest member census counted")
    period_to = serializers.CharField()
    members = serializers.IntegerField()
    members_by_category = CountByCategorySerializer(many=True)
    cooperators = serializers.IntegerField()
    cooperators_by_category = CountByCategorySerializer(many=True)
    share_capital = CapitalSerializer(many=True)
    share_capital_by_category = CapitalByCategorySerializer(many=True)
    by_entity = EntityMembershipSerializer(many=True)
    over_time = MembershipPointSerializer(many=True)


def _counts(values: dict[str, int]) -> list[dict[str, Any]]:
    return [{"category": category, "count": n} for category, n in values.items()]


def _capital(values: dict[str, Any]) -> list[dict[str, str]]:
    return [{"currency": currency, "amount": str(amount)} for currency, amount in sorted(values.items())]


class MembershipApi(FederationApiView):
    """Members (from each entity's census), cooperators and share capital at nominal value (from the
    share register), at the end of ``period_to`` and month by month, for the group or filtered by
    entity or country (cooperators count under their entity of origin)."""

    roles = frozenset({GROUP_MANAGER, FEDERATION_READER})
    scopes = frozenset({"members:read"})

    @extend_schema(
        operation_id="federation_membership",
        parameters=[
            OpenApiParameter("entity", OpenApiTypes.UUID, description="only this entity"),
            OpenApiParameter("country", str, description="ISO country code of the entities"),
            OpenApiParameter("period_from", str, description="first month of the series, YYYY-MM"),
            OpenApiParameter("period_to", str, description="last month, YYYY-MM (default: this month)"),
        ],
        responses=MembershipSerializer,
    )
    def get(self, request: Request) -> Response:
        from .membership import membership

        result = membership(filters=_filters(request))
        return Response(
            {
                "as_of": _dt(result.as_of),
                "period_to": f"{result.period_to:%Y-%m}",
                "members": result.members,
                "members_by_category": _counts(result.members_by_category),
                "cooperators": result.cooperators,
                "cooperators_by_category": _counts(result.cooperators_by_category),
                "share_capital": _capital(result.capital),
                "share_capital_by_category": [
                    {"category": category, "currency": currency, "amount": str(amount)}
                    for (category, currency), amount in result.capital_by_category.items()
                ],
                "by_entity": [
                    {
                        "entity": str(row.entity.public_id),
                        "slug": row.entity.slug,
                        "name": row.entity.display_name,
                        "country": row.entity.country,
                        "closed": row.closed,
                        "counted_at": _dt(row.counted_at),
                        "members": row.members,
                        "members_by_category": _counts(dict(sorted(row.by_category.items()))),
                        "cooperators": row.cooperators,
                        "share_capital": _capital(row.capital),
                    }
                    for row in result.by_entity
                ],
                "over_time": [
                    {
                        "period": f"{p.period:%Y-%m}",
                        "joined": p.joined,
                        "members": p.members,
                        "cooperators": p.cooperators,
                        "share_capital": _capital(p.capital),
                    }
                    for p in result.points
                ],
            }
        )


# ---- documentation -------------------------------------------------------------------------------

SCHEMA_SETTINGS = {
    "TITLE": "SMart federation API",
    "DESCRIPTION": (
        "Consolidated figures of the SMart group for group management, served at `/api/v1/federation/` on the "
        "group domain. Roles: `group_manager` (superusers) and `federation_reader`.\n\n"
        "* Figures come from each entity's ledger, drained into the group's facts; `as_of` says when.\n"
        "* Money is a decimal string; every EUR figure carries the ECB rate used (monthly average of the "
        "daily reference rates of its period).\n"
        '* Refusals: `{"error": {"code", "message", "field"?}}`, 400 (bad period, currency, choice, missing '
        "rate), 403 (role), 404 (unknown entity)."
    ),
    "SCHEMA_PATH_PREFIX": "/api/v1/federation",
}
_SCHEMA_URLCONF = "federation_api.schema_urls"


class FederationSchemaApi(FederationApiView, SpectacularAPIView):
    """The OpenAPI description of the federation API (YAML; JSON with ``?format=json``)."""

    abstract = False
    roles = frozenset({GROUP_MANAGER, FEDERATION_READER})
    scopes = frozenset({"figures:read"})
    urlconf = _SCHEMA_URLCONF
    custom_settings = SCHEMA_SETTINGS


class FederationSwaggerApi(FederationApiView, SwaggerPage):
    abstract = False
    roles = frozenset({GROUP_MANAGER, FEDERATION_READER})
    scopes = frozenset({"figures:read"})
    url_name = "api-federation-schema"
    http_method_names = ["get", "head"]


class FederationRedocApi(FederationApiView, RedocPage):
    abstract = False
    roles = frozenset({GROUP_MANAGER, FEDERATION_READER})
    scopes = frozenset({"figures:read"})
    url_name = "api-federation-schema"
    http_method_names = ["get", "head"]
