"""Routes of the group dashboard, included under ``dashboard/`` by config/urls_public.py."""

from __future__ import annotations

from typing import Any

from django.urls import path

from . import dashboard

urlpatterns: list[Any] = [
    path("", dashboard.dashboard, name="federation_dashboard"),
    path("entities/<uuid:entity_id>/", dashboard.dashboard_entity, name="federation_dashboard_entity"),
    path("export.<str:fmt>", dashboard.dashboard_export, name="federation_dashboard_export"),
    path("jobs/", dashboard.dashboard_job_start, name="federation_dashboard_job_start"),
    path("jobs/<uuid:job_id>/", dashboard.dashboard_job, name="federation_dashboard_job"),
]
