"""Members of the entity: list, read, register (``member_create``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.api_base import DETAIL_ERRORS, LIST_ERRORS, WRITE_ERRORS, EntityAPIView

from . import services
from .models import Member
from .serializers import MemberCreateSerializer, MemberFilterSerializer, MemberSerializer


class MemberListApi(EntityAPIView):
    queryset = Member.objects.all()
    filter_serializer_class = MemberFilterSerializer

    def get_queryset(self) -> QuerySet[Member]:
        members = Member.objects.all()
        filters = self.filters()
        if "category" in filters:
            members = members.filter(category=filters["category"])
        if q := filters.get("q", "").strip():
            members = members.filter(Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q))
        return members

    @extend_schema(
        operation_id="members_list",
        parameters=[MemberFilterSerializer],
        responses={200: MemberSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.paginated(self.get_queryset(), MemberSerializer)

    @extend_schema(
        operation_id="members_create",
        request=MemberCreateSerializer,
        responses={201: MemberSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        member = services.member_create(**self.validated(MemberCreateSerializer))
        return self.respond(member, MemberSerializer, status=201)


class MemberDetailApi(EntityAPIView):
    queryset = Member.objects.all()
    lookup_url_kwarg = "member_id"

    @extend_schema(operation_id="members_retrieve", responses={200: MemberSerializer, **DETAIL_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.respond(self.get_object(), MemberSerializer)
