from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from config.admin_sites import group_admin_site

from .models import ProvisioningRequest


@admin.register(ProvisioningRequest, site=group_admin_site)
class ProvisioningRequestAdmin(admin.ModelAdmin):
    """Read only: requests are made through the API and completed by the task."""

    list_display = ["slug", "status", "entity", "error_code", "requested_by", "created_at", "seconds"]
    list_filter = ["status"]
    search_fields = ["slug", "public_id"]
    readonly_fields = [f.name for f in ProvisioningRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
