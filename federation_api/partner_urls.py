from django.urls import path

from . import partner_api

urlpatterns = [
    path("schema/", partner_api.PartnerSchemaApi.as_view(), name="partner-schema"),
    path("docs/", partner_api.PartnerSwaggerApi.as_view(), name="partner-docs"),
    path("redoc/", partner_api.PartnerRedocApi.as_view(), name="partner-redoc"),
    path("referrals/", partner_api.ReferralListApi.as_view(), name="partner-referral-list"),
    path("referrals/<uuid:referral_id>/", partner_api.ReferralDetailApi.as_view(), name="partner-referral-detail"),
    path("referrals/<uuid:referral_id>/accept/", partner_api.ReferralAcceptApi.as_view(), name="partner-accept"),
    path("referrals/<uuid:referral_id>/decline/", partner_api.ReferralDeclineApi.as_view(), name="partner-decline"),
    path("referrals/<uuid:referral_id>/outcome/", partner_api.ReferralOutcomeApi.as_view(), name="partner-outcome"),
    path("webhooks/", partner_api.WebhookEndpointListApi.as_view(), name="partner-webhook-list"),
    path("webhooks/deliveries/", partner_api.WebhookDeliveryListApi.as_view(), name="partner-delivery-list"),
    path(
        "webhooks/deliveries/<uuid:delivery_id>/",
        partner_api.WebhookDeliveryDetailApi.as_view(),
        name="partner-delivery-detail",
    ),
    path(
        "webhooks/deliveries/<uuid:delivery_id>/redeliver/",
        partner_api.WebhookRedeliverApi.as_view(),
        name="partner-delivery-redeliver",
    ),
    path("webhooks/<uuid:endpoint_id>/", partner_api.WebhookEndpointDetailApi.as_view(), name="partner-webhook-detail"),
    path(
        "webhooks/<uuid:endpoint_id>/rotate-secret/",
        partner_api.WebhookSecretRotateApi.as_view(),
        name="partner-webhook-rotate",
    ),
    path(
        "webhooks/<uuid:endpoint_id>/deactivate/",
        partner_api.WebhookEndpointDeactivateApi.as_view(),
        name="partner-webhook-deactivate",
    ),
]
