"""Contracts in and out of the entity API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tenants.activities.models import Activity
from tenants.api_base import AmountField, MoneyField, PublicIdRelatedField, ServiceChoiceField, country_field
from tenants.members.models import Member

from .models import Contract, ContractKind, ContractStatus


class ContractSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    member = serializers.UUIDField(source="member.public_id", read_only=True)
    activity = serializers.UUIDField(source="activity.public_id", read_only=True)
    gross = MoneyField()
    coefficient = serializers.DecimalField(max_digits=6, decimal_places=4, coerce_to_string=True, read_only=True)
    employer_cost = MoneyField(help_text=_("What the contract costs the activity."))

    class Meta:
        model = Contract
        fields = [
            "id",
            "kind",
            "member",
            "activity",
            "starts_on",
            "ends_on",
            "country",
            "gross",
            "coefficient",
            "employer_cost",
            "status",
            "paid_on",
            "guarantee_reference",
            "created_at",
        ]
        read_only_fields = fields


class ContractSignSerializer(serializers.Serializer):
    """What ``contract_sign`` takes; the service checks the kind (the three ways money leaves an
    activity), dates, amount, country, currency and that the balance covers the cost."""

    member = PublicIdRelatedField(queryset=Member.objects.all())
    activity = PublicIdRelatedField(queryset=Activity.objects.all())
    kind = ServiceChoiceField(choices=ContractKind.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    country = country_field(help_text=_("Country of the performance."))
    gross = AmountField()
    currency = serializers.CharField(max_length=3, help_text=_("Must be the activity's currency."))


class ContractPaySerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("Today when left out."))


class ContractFilterSerializer(serializers.Serializer):
    activity = serializers.UUIDField(required=False, help_text=_("Id of an activity."))
    member = serializers.UUIDField(required=False, help_text=_("Id of a member."))
    status = serializers.ChoiceField(choices=ContractStatus.choices, required=False)
    kind = serializers.ChoiceField(choices=ContractKind.choices, required=False)
