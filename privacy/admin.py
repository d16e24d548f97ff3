"""The group admin: retention rules (the data protection officer's, superusers edit them) and the
erasures' records (read-only: they are written by ``privacy_erase`` and the daily sweep only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from config.admin_sites import group_admin_site

from .models import Erasure, RetentionRule


@admin.register(RetentionRule, site=group_admin_site)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ["country", "category", "years", "basis"]
    list_filter = ["category", "country"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


@admin.register(Erasure, site=group_admin_site)
class ErasureAdmin(admin.ModelAdmin):
    list_display = ["pk", "pseudonym", "status", "started_at", "finished_at", "next_review", "requested_by"]
    list_filter = ["status"]
    search_fields = ["person_id", "pseudonym"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Erasure._meta.fields]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
