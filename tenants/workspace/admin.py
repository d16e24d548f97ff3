from django.contrib import admin

from config.admin_sites import entity_admin_site

from .models import JobCheck


@admin.register(JobCheck, site=entity_admin_site)
class JobCheckAdmin(admin.ModelAdmin):
    list_display = ("public_id", "requested_at", "requested_by", "completed_at", "ran_in_schema", "worker")
    readonly_fields = list_display

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
