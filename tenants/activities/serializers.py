"""Activities in and out of the entity API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenants.api_base import MoneySerializer, PublicIdRelatedField, ServiceChoiceField, money
from tenants.ledger.selectors import activity_balances
from tenants.members.models import Member
from tenants.registry.validators import currency_codes

from .models import Activity, ActivityMember, ActivityRole, Stage, StageChange


class ActivitySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "name", "description", "stage", "stage_since", "currency", "created_at"]
        read_only_fields = fields


class StageChangeSerializer(serializers.ModelSerializer):
    from_stage = serializers.ChoiceField(
        choices=Stage.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("Empty for the stage the activity was created in."),
    )

    class Meta:
        model = StageChange
        fields = ["from_stage", "to_stage", "changed_on", "reason", "changed_by"]
        read_only_fields = fields


class ActivityMemberSerializer(serializers.ModelSerializer):
    member = serializers.UUIDField(source="member.public_id", read_only=True)
    display_name = serializers.CharField(source="member.display_name", read_only=True)

    class Meta:
        model = ActivityMember
        fields = ["member", "display_name", "role", "joined_on"]
        read_only_fields = fields


class ActivityDetailSerializer(ActivitySerializer):
    balances = serializers.SerializerMethodField(help_text=_("What the activity has available, per currency."))
    stage_history = StageChangeSerializer(many=True, read_only=True)
    members = ActivityMemberSerializer(source="memberships", many=True, read_only=True)

    class Meta(ActivitySerializer.Meta):
        fields = [*ActivitySerializer.Meta.fields, "balances", "stage_history", "members"]
        read_only_fields = fields

    @extend_schema_field(MoneySerializer(many=True))
    def get_balances(self, activity: Activity) -> list[dict[str, Any] | None]:
        return [money(amount, currency) for currency, amount in activity_balances(activity.pk).items()]


def _currency(value: str) -> None:
    if value not in currency_codes():
        raise serializers.ValidationError(_("Not an ISO 4217 currency code."))


class ActivityCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    currency = serializers.CharField(
        max_length=3,
        required=False,
        validators=[_currency],
        help_text=_("ISO 4217 code; the entity's currency when left out."),
    )
    holder = PublicIdRelatedField(queryset=Member.objects.all(), help_text=_("The member who holds the activity."))
    stage = ServiceChoiceField(choices=Stage.choices, required=False, default=Stage.IDEA.value)
    on = serializers.DateField(required=False, help_text=_("Start date; today when left out."))


class StageChangeInputSerializer(serializers.Serializer):
    stage = ServiceChoiceField(choices=Stage.choices)
    on = serializers.DateField(required=False, help_text=_("Today when left out."))
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Required when going back to an earlier stage.")
    )


class ActivityMemberInputSerializer(serializers.Serializer):
    member = PublicIdRelatedField(queryset=Member.objects.all())
    role = serializers.ChoiceField(choices=ActivityRole.choices)
    on = serializers.DateField(required=False, help_text=_("Today when left out."))


class ActivityFilterSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)


class StatementLineSerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField(help_text=_("Kind of entry, in words."))
    description = serializers.CharField()
    memo = serializers.CharField()
    amount = serializers.SerializerMethodField(help_text=_("Positive: into the activity."))
    balance = serializers.SerializerMethodField(help_text=_("Running balance in that currency."))

    @extend_schema_field(MoneySerializer)
    def get_amount(self, line: Any) -> dict[str, Any] | None:
        return money(line.amount, line.currency)

    @extend_schema_field(MoneySerializer)
    def get_balance(self, line: Any) -> dict[str, Any] | None:
        return money(line.balance, line.currency)
