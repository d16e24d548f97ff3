from django.urls import path

from . import partner_api

urlpatterns = [
    path("referrals/", partner_api.ReferralListApi.as_view(), name="partner-referral-list"),
    path("referrals/<uuid:referral_id>/", partner_api.ReferralDetailApi.as_view(), name="partner-referral-detail"),
    path("referrals/<uuid:referral_id>/accept/", partner_api.ReferralAcceptApi.as_view(), name="partner-accept"),
    path("referrals/<uuid:referral_id>/decline/", partner_api.ReferralDeclineApi.as_view(), name="partner-decline"),
    path("referrals/<uuid:referral_id>/outcome/", partner_api.ReferralOutcomeApi.as_view(), name="partner-outcome"),
]
