from __future__ import annotations

from django.contrib import admin

from config.admin_sites import ReadOnlyAdmin, group_admin_site

from .models import DrainState, ProvisioningRequest, ReferenceRate


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
