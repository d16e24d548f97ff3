"""Declare once: one declaration of a performance creates the document, contracts, levy and postings."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.api_base import DETAIL_ERRORS, LIST_ERRORS, WRITE_ERRORS, EntityAPIView
from tenants.billing.serializers import lines_in
from tenants.payroll.models import Contract

from . import services
from .models import Declaration
from .serializers import (
    DeclarationCreateSerializer,
    DeclarationDetailSerializer,
    DeclarationFilterSerializer,
    DeclarationSerializer,
)


def _declarations() -> QuerySet[Declaration]:
    return Declaration.objects.select_related("activity", "invoice").prefetch_related("contracts")


def _detailed() -> QuerySet[Declaration]:
    return Declaration.objects.select_related(
        "activity", "invoice__activity", "invoice__client", "invoice__credit_of"
    ).prefetch_related(Prefetch("contracts", queryset=Contract.objects.select_related("member", "activity")))


class DeclarationListApi(EntityAPIView):
    queryset = Declaration.objects.all()
    filter_serializer_class = DeclarationFilterSerializer

    def get_queryset(self) -> QuerySet[Declaration]:
        declarations = _declarations()
        filters = self.filters()
        if "activity" in filters:
            declarations = declarations.filter(activity__public_id=filters["activity"])
        return declarations

    @extend_schema(
        operation_id="declarations_list",
        parameters=[DeclarationFilterSerializer],
        responses={200: DeclarationSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.paginated(self.get_queryset(), DeclarationSerializer)

    @extend_schema(
        operation_id="declarations_create",
        request=DeclarationCreateSerializer,
        responses={201: DeclarationDetailSerializer, **WRITE_ERRORS},
        description="Declare a performance: the document is created and issued, the contracts signed, the levy and "
        "every posting made, in one transaction; any refusal leaves nothing behind.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(DeclarationCreateSerializer)
        declaration = services.declare_performance(
            activity=data["activity"],
            client=data["client"],
            lines=lines_in(data["lines"]),
            performers=[
                services.Performer(member=p["member"], gross=p["gross"], kind=p["kind"]) for p in data["performers"]
            ],
            performed_from=data["performed_from"],
            performed_to=data["performed_to"],
            country=data["country"],
            document_kind=data["document_kind"],
            on=data.get("on"),
            by=self.by,
        )
        return self.respond(_detailed().get(pk=declaration.pk), DeclarationDetailSerializer, 201)


class DeclarationDetailApi(EntityAPIView):
    queryset = _detailed()
    lookup_url_kwarg = "declaration_id"

    @extend_schema(operation_id="declarations_retrieve", responses={200: DeclarationDetailSerializer, **DETAIL_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.respond(self.get_object(), DeclarationDetailSerializer)
