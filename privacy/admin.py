"""The group admin: retention rules (the data protection officer's, superusers edit them) and the
erasures' records (read-only: they are written by ``privacy_erase`` and the daily sweep only)."""

from __future__ import annotations

from django.contrib import admin

from config.admin_sites import SuperuserOnlyAdmin, SuperuserReadOnlyAdmin, group_admin_site

from .models import Erasure, RetentionRule


@admin.register(RetentionRule, site=group_admin_site)
class RetentionRuleAdmin(SuperuserOnlyAdmin):
    list_display = ["country", "category", "years", "basis"]
    list_filter = ["category", "country"]


@admin.register(Erasure, site=group_admin_site)
class ErasureAdmin(SuperuserReadOnlyAdmin):
    list_display = ["pk", "pseudonym", "status", "started_at", "finished_at", "next_review", "requested_by"]
    list_filter = ["status"]
    search_fields = ["person_id", "pseudonym"]
