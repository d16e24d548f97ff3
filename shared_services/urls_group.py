"""Service pages of the group domain (the teams of the guarantee fund, insurance, legal aid, financing)."""

from django.urls import include, path

urlpatterns = [
    path("guarantee/", include("shared_services.guarantee.urls_group")),
    path("insurance/", include("shared_services.insurance.urls_group")),
    path("legal/", include("shared_services.legal_aid.urls_group")),
    path("financing/", include("shared_services.financing.urls_group")),
    path("referrals/", include("shared_services.referrals.urls_group")),
]
