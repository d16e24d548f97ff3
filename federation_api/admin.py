from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from config.admin_sites import group_admin_site

from .models import DrainState, ProvisioningRequest, ReferenceRate


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the services, the tasks and the commands only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProvisioningRequest, site=group_admin_site)
class ProvisioningRequestAdmin(ReadOnlyAdmin):
    """Requests are made through the API and completed by the task."""

    list_display = ["slug", "status", "entity", "error_code", "requested_by", "created_at", "seconds"]
    list_filter = ["status"]
    search_fields = ["slug", "public_id"]
    readonly_fields = [f.name for f in ProvisioningRequest._meta.fields]


@admin.register(DrainState, site=group_admin_site)
class DrainStateAdmin(ReadOnlyAdmin):
    list_display = ["entity", "last_drained_at", "events_applied"]


@admin.register(ReferenceRate, site=group_admin_site)
class ReferenceRateAdmin(ReadOnlyAdmin):
    list_display = ["day", "currency", "rate", "source"]
    list_filter = ["currency", "source"]
    date_hierarchy = "day"
