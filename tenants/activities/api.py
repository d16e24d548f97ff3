"""Activities: list, read (balances, stage history, members), create, change stage, add a member,
statement."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.api_base import ACTION_ERRORS, DETAIL_ERRORS, LIST_ERRORS, SUBLIST_ERRORS, WRITE_ERRORS, EntityAPIView
from tenants.ledger.selectors import activity_statement

from . import services
from .models import Activity, ActivityMember
from .serializers import (
    ActivityCreateSerializer,
    ActivityDetailSerializer,
    ActivityFilterSerializer,
    ActivityMemberInputSerializer,
    ActivityMemberSerializer,
    ActivitySerializer,
    StageChangeInputSerializer,
    StatementLineSerializer,
)


def _detailed() -> QuerySet[Activity]:
    return Activity.objects.prefetch_related(
        "stage_history", Prefetch("memberships", queryset=ActivityMember.objects.select_related("member"))
    )


class ActivityListApi(EntityAPIView):
    queryset = Activity.objects.all()
    filter_serializer_class = ActivityFilterSerializer

    def get_queryset(self) -> QuerySet[Activity]:
        activities = Activity.objects.all()
        filters = self.filters()
        if "stage" in filters:
            activities = activities.filter(stage=filters["stage"])
        return activities

    @extend_schema(
        operation_id="activities_list",
        parameters=[ActivityFilterSerializer],
        responses={200: ActivitySerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.paginated(self.get_queryset(), ActivitySerializer)

    @extend_schema(
        operation_id="activities_create",
        request=ActivityCreateSerializer,
        responses={201: ActivityDetailSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(ActivityCreateSerializer)
        activity = services.activity_create(
            name=data["name"],
            description=data["description"],
            currency=data.get("currency") or self.entity.currency,
            holder=data["holder"],
            stage=data["stage"],
            on=data.get("on") or self.today(),
            by=self.by,
        )
        return self.respond(_detailed().get(pk=activity.pk), ActivityDetailSerializer, status=201)


class ActivityDetailApi(EntityAPIView):
    queryset = _detailed()
    lookup_url_kwarg = "activity_id"

    @extend_schema(operation_id="activities_retrieve", responses={200: ActivityDetailSerializer, **DETAIL_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.respond(self.get_object(), ActivityDetailSerializer)


class ActivityStageApi(EntityAPIView):
    queryset = Activity.objects.all()
    lookup_url_kwarg = "activity_id"

    @extend_schema(
        operation_id="activities_change_stage",
        request=StageChangeInputSerializer,
        responses={200: ActivityDetailSerializer, **ACTION_ERRORS},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        data = self.validated(StageChangeInputSerializer)
        services.activity_change_stage(
            activity=activity,
            to_stage=data["stage"],
            on=data.get("on") or self.today(),
            reason=data["reason"],
            by=self.by,
        )
        return self.respond(_detailed().get(pk=activity.pk), ActivityDetailSerializer)


class ActivityMembersApi(EntityAPIView):
    queryset = Activity.objects.all()
    lookup_url_kwarg = "activity_id"

    @extend_schema(
        operation_id="activities_members_list",
        responses={200: ActivityMemberSerializer(many=True), **SUBLIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        return self.paginated(
            activity.memberships.select_related("member").order_by("joined_on", "id"), ActivityMemberSerializer
        )

    @extend_schema(
        operation_id="activities_members_add",
        request=ActivityMemberInputSerializer,
        responses={201: ActivityMemberSerializer, **ACTION_ERRORS},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        activity = self.get_object()
        data = self.validated(ActivityMemberInputSerializer)
        membership = services.activity_add_member(
            activity=activity, member=data["member"], role=data["role"], on=data.get("on") or self.today()
        )
        return self.respond(membership, ActivityMemberSerializer, status=201)


class ActivityStatementApi(EntityAPIView):
    queryset = Activity.objects.all()
    lookup_url_kwarg = "activity_id"

    @extend_schema(
        operation_id="activities_statement",
        responses={200: StatementLineSerializer(many=True), **SUBLIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.paginated(activity_statement(self.get_object().pk), StatementLineSerializer)
