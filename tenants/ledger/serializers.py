"""The ledger in the entity API: entries and the trial balance (read only: money moves through the
services of the other apps)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tenants.api_base import MoneyField, MoneySerializer

from .models import EntryKind, JournalEntry, JournalLine


class JournalLineSerializer(serializers.ModelSerializer):
    account = serializers.CharField(source="account.code", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)
    account_kind = serializers.CharField(source="account.kind", read_only=True)
    amount = MoneyField(help_text=_("Signed: debit positive, credit negative."))
    activity = serializers.UUIDField(source="activity.public_id", read_only=True, allow_null=True, default=None)

    class Meta:
        model = JournalLine
        fields = ["account", "account_name", "account_kind", "amount", "activity", "memo"]
        read_only_fields = fields


class JournalEntrySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    reverses = serializers.UUIDField(source="reverses.public_id", read_only=True, allow_null=True, default=None)
    lines = JournalLineSerializer(many=True, read_only=True)

    class Meta:
        model = JournalEntry
        fields = ["id", "kind", "date", "posted_at", "description", "source", "reverses", "posted_by", "lines"]
        read_only_fields = fields


class EntryFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices, required=False)
    date_from = serializers.DateField(required=False, help_text=_("Entries on or after this date."))
    date_to = serializers.DateField(required=False, help_text=_("Entries on or before this date."))
    activity = serializers.UUIDField(required=False, help_text=_("Entries with a line about this activity."))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "date_from" in attrs and "date_to" in attrs and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": _("Must be on or after date_from.")})
        return attrs


class TrialBalanceAccountSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    balance = MoneySerializer(help_text=_("Debit positive, credit negative."))


class TrialBalanceCurrencySerializer(serializers.Serializer):
    currency = serializers.CharField()
    accounts = TrialBalanceAccountSerializer(many=True)
    total = MoneySerializer(help_text=_("Always zero: every entry balances."))


class TrialBalanceSerializer(serializers.Serializer):
    currencies = TrialBalanceCurrencySerializer(many=True)
