"""Routes of the federation API, included under ``api/v1/federation/`` by config/urls_public.py."""

from __future__ import annotations

from typing import Any

from django.urls import path

from . import api_views

urlpatterns: list[Any] = [
    path("schema/", api_views.FederationSchemaApi.as_view(), name="api-federation-schema"),
    path("docs/", api_views.FederationSwaggerApi.as_view(), name="api-federation-docs"),
    path("redoc/", api_views.FederationRedocApi.as_view(), name="api-federation-redoc"),
    path("figures/", api_views.FiguresApi.as_view(), name="api-federation-figures"),
    path("entities/<str:entity_id>/", api_views.EntityDrillApi.as_view(), name="api-federation-entity"),
    path("activities/", api_views.ActivitiesByStageApi.as_view(), name="api-federation-activities"),
    path("guarantee/", api_views.GuaranteeApi.as_view(), name="api-federation-guarantee"),
    path("membership/", api_views.MembershipApi.as_view(), name="api-federation-membership"),
    path("freshness/", api_views.FreshnessApi.as_view(), name="api-federation-freshness"),
]
