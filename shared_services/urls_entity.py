"""Service pages of an entity's subdomain: its staff see and request the services for their members."""

from django.urls import include, path

from .views import entity_services_home

urlpatterns = [
    path("", entity_services_home, name="services_home"),
    path("guarantee/", include("shared_services.guarantee.urls_entity")),
    path("insurance/", include("shared_services.insurance.urls_entity")),
    path("legal/", include("shared_services.legal_aid.urls_entity")),
    path("financing/", include("shared_services.financing.urls_entity")),
    path("referrals/", include("shared_services.referrals.urls_entity")),
]
