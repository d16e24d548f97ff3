"""The partner API (``/api/v1/partner/`` on the group domain): partner cooperatives (Microstart,
COOPCITY, Dynamo Coop) work the referrals addressed to them with their own keys.

A key is ``smp_<prefix>_<secret>`` in ``Authorization: Bearer``; only the secret's SHA-256 is stored.
Each view declares the scope it needs; each key has its own rate limit. A partner sees only its own
referrals whose member's consent stands, and only the consented fields (``shared_services.referrals``).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
import uuid
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import authentication, exceptions, permissions, serializers, throttling
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_services.referrals import services as referrals
from shared_services.referrals.models import Partner, ReferralOutcome

from .models import PartnerApiKey

KEY_PREFIX = "smp"
SCOPES = frozenset({"referrals:read", "referrals:write"})


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def partner_key_create(*, partner: Partner, name: str, scopes: list[str], days: int = 365) -> tuple[PartnerApiKey, str]:
    """A new key for the partner; returns it with the full key text, which is never shown again."""
    unknown = sorted(set(scopes) - SCOPES)
    if unknown or not scopes:
        raise ValueError(f"scopes must be among {sorted(SCOPES)}, not {unknown or scopes}")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = PartnerApiKey.objects.create(
        partner=partner,
        name=name,
        prefix=prefix,
        secret_hash=_hash(secret),
        scopes=sorted(set(scopes)),
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return key, f"{KEY_PREFIX}_{prefix}_{secret}"


def partner_key_revoke(*, key: PartnerApiKey) -> PartnerApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


class KeyRefused(exceptions.AuthenticationFailed):
    pass


class PartnerKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, PartnerApiKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith("Bearer "):
            return None
        parts = header[len("Bearer ") :].strip().split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX:
            raise KeyRefused(_("This is not a partner API key."), code="partner_key_invalid")
        key = PartnerApiKey.objects.select_related("partner").filter(prefix=parts[1]).first()
        if key is None or not hmac.compare_digest(key.secret_hash, _hash(parts[2])):
            raise KeyRefused(_("Unknown partner API key."), code="partner_key_invalid")
        if key.revoked_at is not None:
            raise KeyRefused(_("This partner API key has been revoked."), code="partner_key_revoked")
        if key.expires_at <= timezone.now():
            raise KeyRefused(_("This partner API key has expired."), code="partner_key_expired")
        if not key.partner.active:
            raise KeyRefused(_("This partner no longer takes referrals."), code="partner_inactive")
        PartnerApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        return (key.partner, key)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="partner"'


class HasScope(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        key = request.auth
        if not isinstance(key, PartnerApiKey):
            raise exceptions.NotAuthenticated(_("A partner API key is required."), code="partner_key_required")
        if view.scope not in key.scopes:
            raise exceptions.PermissionDenied(
                _("This key lacks the scope %(scope)s.") % {"scope": view.scope}, code="partner_scope_missing"
            )
        return True


class PerKeyThrottle(throttling.SimpleRateThrottle):
    """Each key has its own budget (settings: REST_FRAMEWORK DEFAULT_THROTTLE_RATES["partner_key"])."""

    scope = "partner_key"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        key = request.auth
        return f"throttle:partner:{key.prefix}" if isinstance(key, PartnerApiKey) else None


class PartnerApiView(APIView):
    """Base of every partner endpoint: partner key only (never a session), a declared scope."""

    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [PerKeyThrottle]
    scope: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.scope not in SCOPES:
            raise TypeError(f"{cls.__name__} must declare a scope among {sorted(SCOPES)}")

    @property
    def partner(self) -> Partner:
        return self.request.user  # type: ignore[return-value]


class ReferralSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    created_at = serializers.CharField()
    data = serializers.DictField(child=serializers.CharField(allow_blank=True))  # type: ignore[assignment]


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ReferralOutcome.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ReferralListApi(PartnerApiView):
    scope = "referrals:read"

    @extend_schema(responses=ReferralSerializer(many=True), summary="The referrals addressed to the partner")
    def get(self, request: Request) -> Response:
        rows = [
            referrals.referral_partner_view(self.partner, r.public_id)
            for r in referrals.referrals_for_partner(self.partner)
        ]
        return Response(rows)


class ReferralDetailApi(PartnerApiView):
    scope = "referrals:read"

    @extend_schema(responses=ReferralSerializer, summary="One referral: the consented data only")
    def get(self, request: Request, referral_id: uuid.UUID) -> Response:
        return Response(referrals.referral_partner_view(self.partner, referral_id))


class ReferralAcceptApi(PartnerApiView):
    scope = "referrals:write"

    @extend_schema(request=None, responses=ReferralSerializer, summary="Accept the referral")
    def post(self, request: Request, referral_id: uuid.UUID) -> Response:
        referrals.referral_accept(partner=self.partner, referral_id=referral_id)
        return Response(referrals.referral_partner_view(self.partner, referral_id))


class ReferralDeclineApi(PartnerApiView):
    scope = "referrals:write"

    @extend_schema(request=None, responses=ReferralSerializer, summary="Decline the referral")
    def post(self, request: Request, referral_id: uuid.UUID) -> Response:
        referrals.referral_decline(partner=self.partner, referral_id=referral_id)
        return Response(referrals.referral_partner_view(self.partner, referral_id))


class ReferralOutcomeApi(PartnerApiView):
    scope = "referrals:write"

    @extend_schema(request=OutcomeSerializer, responses=ReferralSerializer, summary="Report the outcome")
    def post(self, request: Request, referral_id: uuid.UUID) -> Response:
        body = OutcomeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        referrals.referral_outcome_report(
            partner=self.partner,
            referral_id=referral_id,
            outcome=body.validated_data["outcome"],
            note=body.validated_data["note"],
        )
        return Response(referrals.referral_partner_view(self.partner, referral_id))
