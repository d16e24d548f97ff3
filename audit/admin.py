"""The audit trail, read-only, on both admin sites: an entity's trail on its subdomain (its schema's
table), the group's trail on the group domain. Superusers only; nobody adds, changes or deletes."""

from __future__ import annotations

from config.admin_sites import SuperuserReadOnlyAdmin, entity_admin_site, group_admin_site

from .models import AuditRecord


class AuditRecordAdmin(SuperuserReadOnlyAdmin):
    list_display = ["at", "actor", "operation", "table_name", "row_pk", "request_id"]
    list_filter = ["operation", "table_name"]
    search_fields = ["actor", "request_id", "row_pk", "table_name"]
    date_hierarchy = "at"


for site in (group_admin_site, entity_admin_site):
    site.register(AuditRecord, AuditRecordAdmin)
