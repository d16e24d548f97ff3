"""Declarations of performances in and out of the entity API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tenants.activities.models import Activity
from tenants.api_base import AmountField, PublicIdRelatedField, ServiceChoiceField, country_field
from tenants.billing.models import Client, InvoiceKind
from tenants.billing.serializers import DOCUMENT_KIND_CHOICES, InvoiceSerializer, LineInputSerializer
from tenants.members.models import Member
from tenants.payroll.models import Contract, ContractKind
from tenants.payroll.serializers import ContractSerializer

from .models import Declaration


class DeclarationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    activity = serializers.UUIDField(source="activity.public_id", read_only=True)
    invoice = serializers.UUIDField(source="invoice.public_id", read_only=True)
    contracts: serializers.SlugRelatedField[Contract] = serializers.SlugRelatedField(
        slug_field="public_id", many=True, read_only=True
    )

    class Meta:
        model = Declaration
        fields = [
            "id",
            "activity",
            "invoice",
            "contracts",
            "performed_from",
            "performed_to",
            "country",
            "declared_at",
            "declared_by",
        ]
        read_only_fields = fields


class DeclarationDetailSerializer(DeclarationSerializer):
    invoice_summary = InvoiceSerializer(source="invoice", read_only=True)
    contract_details = ContractSerializer(source="contracts", many=True, read_only=True)

    class Meta(DeclarationSerializer.Meta):
        fields = [*DeclarationSerializer.Meta.fields, "invoice_summary", "contract_details"]
        read_only_fields = fields


class PerformerInputSerializer(serializers.Serializer):
    member = PublicIdRelatedField(queryset=Member.objects.all())
    gross = AmountField(help_text=_("Gross amount, in the activity's currency."))
    kind = ServiceChoiceField(choices=ContractKind.choices, required=False, default=ContractKind.WAGE.value)


class DeclarationCreateSerializer(serializers.Serializer):
    """What ``declare_performance`` takes: all of it is created, or nothing."""

    activity = PublicIdRelatedField(queryset=Activity.objects.all())
    client = PublicIdRelatedField(queryset=Client.objects.all())
    document_kind = ServiceChoiceField(
        choices=DOCUMENT_KIND_CHOICES,
        required=False,
        default=InvoiceKind.INVOICE.value,
    )
    lines = LineInputSerializer(many=True)
    performers = PerformerInputSerializer(many=True)
    performed_from = serializers.DateField()
    performed_to = serializers.DateField()
    country = country_field(help_text=_("Country of the performance."))
    on = serializers.DateField(required=False, help_text=_("Issue date of the document; performed_to when left out."))


class DeclarationFilterSerializer(serializers.Serializer):
    activity = serializers.UUIDField(required=False, help_text=_("Id of an activity."))
