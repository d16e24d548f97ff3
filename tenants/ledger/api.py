"""The entity's ledger, read only: entries and the trial balance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.api_base import DETAIL_ERRORS, LIST_ERRORS, READ_ERRORS, EntityAPIView, money

from . import selectors
from .models import Account, JournalEntry, JournalLine
from .serializers import EntryFilterSerializer, JournalEntrySerializer, TrialBalanceSerializer


def _entries() -> QuerySet[JournalEntry]:
    return JournalEntry.objects.select_related("reverses").prefetch_related(
        Prefetch("lines", queryset=JournalLine.objects.select_related("account", "activity").order_by("id"))
    )


class TrialBalanceApi(EntityAPIView):
    @extend_schema(operation_id="ledger_trial_balance", responses={200: TrialBalanceSerializer, **READ_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        balances = selectors.trial_balance()
        accounts = {a.code: a for a in Account.objects.all()}
        currencies = []
        for currency, per_account in balances.items():
            currencies.append(
                {
                    "currency": currency,
                    "accounts": [
                        {
                            "code": code,
                            "name": accounts[code].name,
                            "kind": accounts[code].kind,
                            "balance": money(total, currency),
                        }
                        for code, total in per_account.items()
                    ],
                    "total": money(sum(per_account.values(), Decimal(0)), currency),
                }
            )
        return Response(TrialBalanceSerializer({"currencies": currencies}).data)


class EntryListApi(EntityAPIView):
    queryset = JournalEntry.objects.all()
    filter_serializer_class = EntryFilterSerializer

    def get_queryset(self) -> QuerySet[JournalEntry]:
        entries = _entries()
        filters = self.filters()
        if "kind" in filters:
            entries = entries.filter(kind=filters["kind"])
        if "date_from" in filters:
            entries = entries.filter(date__gte=filters["date_from"])
        if "date_to" in filters:
            entries = entries.filter(date__lte=filters["date_to"])
        if "activity" in filters:
            entries = entries.filter(lines__activity__public_id=filters["activity"]).distinct()
        return entries

    @extend_schema(
        operation_id="ledger_entries_list",
        parameters=[EntryFilterSerializer],
        responses={200: JournalEntrySerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.paginated(self.get_queryset(), JournalEntrySerializer)


class EntryDetailApi(EntityAPIView):
    queryset = _entries()
    lookup_url_kwarg = "entry_id"

    @extend_schema(operation_id="ledger_entries_retrieve", responses={200: JournalEntrySerializer, **DETAIL_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.respond(self.get_object(), JournalEntrySerializer)
