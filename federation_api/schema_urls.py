"""Only the federation API, at its real prefix: the urlconf its OpenAPI description is generated from."""

from django.urls import include, path

urlpatterns = [path("api/v1/federation/", include("federation_api.urls"))]
