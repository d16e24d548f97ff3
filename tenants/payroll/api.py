"""Contracts per performance: list, read, sign (``contract_sign``), pay (``contract_pay``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.api_base import ACTION_ERRORS, DETAIL_ERRORS, LIST_ERRORS, WRITE_ERRORS, EntityAPIView

from . import services
from .models import Contract
from .serializers import ContractFilterSerializer, ContractPaySerializer, ContractSerializer, ContractSignSerializer


def _contracts() -> QuerySet[Contract]:
    return Contract.objects.select_related("member", "activity")


class ContractListApi(EntityAPIView):
    queryset = Contract.objects.all()
    filter_serializer_class = ContractFilterSerializer

    def get_queryset(self) -> QuerySet[Contract]:
        contracts = _contracts()
        filters = self.filters()
        if "activity" in filters:
            contracts = contracts.filter(activity__public_id=filters["activity"])
        if "member" in filters:
            contracts = contracts.filter(member__public_id=filters["member"])
        for name in ("status", "kind"):
            if name in filters:
                contracts = contracts.filter(**{name: filters[name]})
        return contracts

    @extend_schema(
        operation_id="contracts_list",
        parameters=[ContractFilterSerializer],
        responses={200: ContractSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.paginated(self.get_queryset(), ContractSerializer)

    @extend_schema(
        operation_id="contracts_sign",
        request=ContractSignSerializer,
        responses={201: ContractSerializer, **WRITE_ERRORS},
        description="Sign a contract for one performance and charge its cost to the activity.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        contract = services.contract_sign(**self.validated(ContractSignSerializer), by=self.by)
        return self.respond(_contracts().get(pk=contract.pk), ContractSerializer, 201)


class _ContractApi(EntityAPIView):
    queryset = _contracts()
    lookup_url_kwarg = "contract_id"


class ContractDetailApi(_ContractApi):
    @extend_schema(operation_id="contracts_retrieve", responses={200: ContractSerializer, **DETAIL_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.respond(self.get_object(), ContractSerializer)


class ContractPayApi(_ContractApi):
    @extend_schema(
        operation_id="contracts_pay",
        request=ContractPaySerializer,
        responses={200: ContractSerializer, **ACTION_ERRORS},
        description="Pay what the contract owes (once).",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        contract = self.get_object()
        on = self.validated(ContractPaySerializer).get("on") or self.today()
        services.contract_pay(contract=contract, on=on, by=self.by)
        return self.respond(_contracts().get(pk=contract.pk), ContractSerializer)
