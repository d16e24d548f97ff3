from django.contrib import admin

from config.admin_sites import group_admin_site

from .models import DunningRule, FundLimit, FundMovement


@admin.register(FundLimit, site=group_admin_site)
class FundLimitAdmin(admin.ModelAdmin):
    list_display = ["scope", "entity", "currency", "amount"]
    list_filter = ["scope", "currency"]


@admin.register(DunningRule, site=group_admin_site)
class DunningRuleAdmin(admin.ModelAdmin):
    list_display = ["step", "days_after_due"]


@admin.register(FundMovement, site=group_admin_site)
class FundMovementAdmin(admin.ModelAdmin):
    """Read-only: movements are written by the fund's services only."""

    list_display = ["decided_at", "entity", "kind", "subject_label", "amount", "currency", "status"]
    list_filter = ["kind", "status", "currency"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
