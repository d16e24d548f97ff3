"""Only the partner API, at its real prefix: the urlconf its OpenAPI description is generated from."""

from django.urls import include, path

urlpatterns = [path("api/v1/partner/", include("federation_api.partner_urls"))]
