"""The partner API (``/api/v1/partner/`` on the group domain): partner cooperatives (Microstart,
COOPCITY, Dynamo Coop) work the referrals addressed to them with their own keys.

A key is ``smp_<prefix>_<secret>`` in ``Authorization: Bearer``; only the secret's SHA-256 is stored.
Each view declares the scope it needs; each key has its own rate limit. A partner sees only its own
referrals whose member's consent stands, and only the consented fields (``shared_services.referrals``).

With the ``webhooks:manage`` scope a partner registers the addresses that receive signed events
(``referral.created``, ``referral.revoked``), rotates their secrets, deactivates them, and reads its own
delivery log (docs/partner-api.md). Another partner's endpoint or delivery is a 404.
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
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import authentication, exceptions, permissions, serializers, status, throttling
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_docs import RedocPage, SwaggerPage
from config.api_errors import RefusalsSchema
from shared_services.referrals import selectors as referral_selectors
from shared_services.referrals import services as referrals
from shared_services.referrals.models import (
    DeliveryStatus,
    Partner,
    ReferralOutcome,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

from .models import PartnerApiKey

KEY_PREFIX = "smp"
SCOPES = frozenset({"referrals:read", "referrals:write", "webhooks:manage"})


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


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    """The partner key in the OpenAPI description (registered by being defined)."""

    target_class = PartnerKeyAuthentication
    name = "partnerKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "smp_<prefix>_<secret>",
            "description": "A partner API key (`manage.py partner_key_create`), in `Authorization: Bearer`.",
        }


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


class PartnerSchema(RefusalsSchema):
    always = (401, 403, 429)  # no or bad key, scope missing, rate limit


class PartnerApiView(APIView):
    """Base of every partner endpoint: partner key only (never a session), a declared scope."""

    schema = PartnerSchema()

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


# ---- webhooks ------------------------------------------------------------------------------------


class WebhookEndpointSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    url = serializers.CharField()
    # (plain strings: one enum per choice set in the description, and the delivery's event_type has it)
    events = serializers.ListField(child=serializers.CharField(), help_text=f"Among {', '.join(WebhookEvent.values)}")
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    secret_rotated_at = serializers.DateTimeField(allow_null=True)
    deactivated_at = serializers.DateTimeField(allow_null=True)


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(help_text="The signing secret: shown in this answer only, keep it.")


class WebhookEndpointCreateSerializer(serializers.Serializer):
    # Checked by the service (stable error codes), not by DRF's URL field.
    url = serializers.CharField(
        max_length=2000, allow_blank=True, help_text="https:// address that receives the events"
    )
    events = serializers.ListField(
        child=serializers.CharField(max_length=40),
        help_text=f"Among {', '.join(WebhookEvent.values)}",
        default=[WebhookEvent.REFERRAL_CREATED.value],
    )


class WebhookAttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField(allow_blank=True)
    duration_ms = serializers.IntegerField()


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    endpoint = serializers.UUIDField(source="endpoint.public_id")
    event_id = serializers.UUIDField()
    event_type = serializers.ChoiceField(choices=WebhookEvent.choices)
    referral = serializers.UUIDField(source="referral.public_id")
    status = serializers.ChoiceField(choices=DeliveryStatus.choices)
    attempts = serializers.IntegerField()
    attempt_limit = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    attempt_log = WebhookAttemptSerializer(many=True)


def _endpoint(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict[str, Any]:
    serializer = WebhookEndpointWithSecretSerializer if with_secret else WebhookEndpointSerializer
    return dict(serializer(endpoint).data)


def _delivery(delivery: WebhookDelivery) -> dict[str, Any]:
    return dict(WebhookDeliverySerializer(delivery).data)


def _by(request: Request) -> str:
    key = request.auth
    return f"partner-key:{key.prefix}" if isinstance(key, PartnerApiKey) else "partner"


class WebhookEndpointListApi(PartnerApiView):
    scope = "webhooks:manage"

    @extend_schema(responses=WebhookEndpointSerializer(many=True), summary="The partner's webhook endpoints")
    def get(self, request: Request) -> Response:
        return Response([_endpoint(e) for e in referral_selectors.webhook_endpoints_for_partner(self.partner)])

    @extend_schema(
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointWithSecretSerializer},
        summary="Register an endpoint (its signing secret is in this answer only)",
    )
    def post(self, request: Request) -> Response:
        body = WebhookEndpointCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        endpoint = referrals.webhook_endpoint_create(
            partner=self.partner,
            url=body.validated_data["url"],
            events=body.validated_data["events"],
            by=_by(request),
        )
        return Response(_endpoint(endpoint, with_secret=True), status=status.HTTP_201_CREATED)


class WebhookEndpointDetailApi(PartnerApiView):
    scope = "webhooks:manage"

    @extend_schema(responses=WebhookEndpointSerializer, summary="One endpoint (never its secret)")
    def get(self, request: Request, endpoint_id: uuid.UUID) -> Response:
        return Response(_endpoint(referral_selectors.webhook_endpoint_for_partner(self.partner, endpoint_id)))


class WebhookSecretRotateApi(PartnerApiView):
    scope = "webhooks:manage"

    @extend_schema(
        request=None,
        responses=WebhookEndpointWithSecretSerializer,
        summary="A new signing secret, effective at once (in this answer only)",
    )
    def post(self, request: Request, endpoint_id: uuid.UUID) -> Response:
        endpoint = referrals.webhook_secret_rotate(partner=self.partner, endpoint_id=endpoint_id, by=_by(request))
        return Response(_endpoint(endpoint, with_secret=True))


class WebhookEndpointDeactivateApi(PartnerApiView):
    scope = "webhooks:manage"

    @extend_schema(
        request=None, responses=WebhookEndpointSerializer, summary="Deactivate (pending deliveries cancelled)"
    )
    def post(self, request: Request, endpoint_id: uuid.UUID) -> Response:
        endpoint = referrals.webhook_endpoint_deactivate(partner=self.partner, endpoint_id=endpoint_id, by=_by(request))
        return Response(_endpoint(endpoint))


class WebhookDeliveryListApi(PartnerApiView):
    scope = "webhooks:manage"

    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=DeliveryStatus.values, description="only this status")],
        responses=WebhookDeliverySerializer(many=True),
        summary="The partner's latest 100 deliveries, newest first, with their attempts",
    )
    def get(self, request: Request) -> Response:
        rows = referral_selectors.webhook_deliveries_for_partner(
            self.partner, status=request.query_params.get("status") or None
        )
        return Response([_delivery(d) for d in rows])


class WebhookDeliveryDetailApi(PartnerApiView):
    scope = "webhooks:manage"

    @extend_schema(responses=WebhookDeliverySerializer, summary="One delivery with its attempts")
    def get(self, request: Request, delivery_id: uuid.UUID) -> Response:
        return Response(_delivery(referral_selectors.webhook_delivery_for_partner(self.partner, delivery_id)))


class WebhookRedeliverApi(PartnerApiView):
    scope = "webhooks:manage"

    @extend_schema(request=None, responses=WebhookDeliverySerializer, summary="Send a failed delivery again")
    def post(self, request: Request, delivery_id: uuid.UUID) -> Response:
        referrals.webhook_redeliver(partner=self.partner, delivery_id=delivery_id, by=_by(request))
        return Response(_delivery(referral_selectors.webhook_delivery_for_partner(self.partner, delivery_id)))


# ---- the partner API's own description -------------------------------------------------------------

SCHEMA_SETTINGS = {
    "TITLE": "SMart partner API",
    "DESCRIPTION": (
        "For the partner cooperatives of the SMart group (Microstart, COOPCITY, Dynamo Coop), served at "
        "`/api/v1/partner/` on the group domain. Each call carries a partner key in `Authorization: Bearer "
        "smp_<prefix>_<secret>`; each endpoint needs one scope of the key (`referrals:read`, `referrals:write`, "
        "`webhooks:manage`), and each key has its own rate limit.\n\n"
        "* A partner sees only the referrals addressed to it whose member's consent stands, and only the "
        "data that consent covers.\n"
        "* Webhooks: signed POSTs of `referral.created` and `referral.revoked` to the partner's endpoints, "
        "retried with exponential backoff; see docs/partner-api.md for the signature scheme.\n"
        '* Refusals: `{"error": {"code", "message", "field"?}}`, 400 (bad input), 401 (key), 403 (scope), '
        "404 (not the partner's), 409 (state), 429 (rate limit)."
    ),
    "SCHEMA_PATH_PREFIX": "/api/v1/partner",
}
_SCHEMA_URLCONF = "federation_api.partner_schema_urls"


class PartnerDocsMixin(APIView):
    """The partner API's description and its pages are public documentation (the YAML is in the
    repository too): no key needed, nothing of any partner in them."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = []


class PartnerSchemaApi(PartnerDocsMixin, SpectacularAPIView):
    urlconf = _SCHEMA_URLCONF
    custom_settings = SCHEMA_SETTINGS


class PartnerSwaggerApi(PartnerDocsMixin, SwaggerPage):
    url_name = "partner-schema"
    http_method_names = ["get", "head"]


class PartnerRedocApi(PartnerDocsMixin, RedocPage):
    url_name = "partner-schema"
    http_method_names = ["get", "head"]
