from django.urls import path

from . import views

urlpatterns = [
    path("", views.entity_referrals, name="referral_list"),
    path("<uuid:referral_id>/revoke/", views.entity_referral_revoke, name="referral_revoke"),
]
