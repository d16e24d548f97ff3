"""Members in and out of the entity API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from tenants.api_base import BlankableEmailField, ServiceChoiceField

from .models import Member, StakeholderCategory

MEMBER_KIND_CHOICES = list(Member._meta.get_field("kind").choices or [])


class MemberSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    email = BlankableEmailField(read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "kind",
            "category",
            "first_name",
            "last_name",
            "display_name",
            "birth_date",
            "company_number",
            "email",
            "phone",
            "address",
            "languages",
            "iban",
            "consent_partner_referrals",
            "consent_newsletter",
            "created_at",
        ]
        read_only_fields = fields


class MemberCreateSerializer(serializers.Serializer):
    """What ``member_create`` takes; the service checks kind, category, names, e-mail, IBAN and company
    number, each with its own error code."""

    kind = ServiceChoiceField(choices=MEMBER_KIND_CHOICES)
    category = ServiceChoiceField(choices=StakeholderCategory.choices)
    last_name = serializers.CharField(max_length=200, allow_blank=True)
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    national_id = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
        help_text=_("National number, used only to match the person across the group; never stored here."),
    )
    company_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    country = serializers.CharField(
        max_length=2, required=False, allow_blank=True, default="", help_text=_("Country of a legal person.")
    )
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    languages = serializers.ListField(child=serializers.CharField(max_length=2), required=False, default=list)
    iban = serializers.CharField(max_length=42, required=False, allow_blank=True, default="")
    consent_partner_referrals = serializers.BooleanField(required=False, default=False)
    consent_newsletter = serializers.BooleanField(required=False, default=False)


class MemberFilterSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=StakeholderCategory.choices, required=False)
    q = serializers.CharField(
        max_length=100, required=False, help_text=_("Search in first name, last name and e-mail.")
    )
