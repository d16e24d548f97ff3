from typing import Any

from django.contrib import admin

from config.admin_sites import group_admin_site

from .models import DrainState, ReferenceRate


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the consolidation and the rates command only."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(DrainState, site=group_admin_site)
class DrainStateAdmin(ReadOnlyAdmin):
    list_display = ["entity", "last_drained_at", "events_applied"]


@admin.register(ReferenceRate, site=group_admin_site)
class ReferenceRateAdmin(ReadOnlyAdmin):
    list_display = ["day", "currency", "rate", "source"]
    list_filter = ["currency", "source"]
    date_hierarchy = "day"
