"""Two admin sites, one per side of the isolation boundary.

The group site (public schema) administers the registry and group users; the entity site, served on
each entity's subdomain, administers that entity's own tables only. Registering a public model on the
entity site would let an entity's staff read every entity's registry row, so nothing public goes there.
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from config.login_throttle import ThrottledAdminLoginMixin


class GroupAdminSite(ThrottledAdminLoginMixin, admin.AdminSite):
    site_header = _("SMart group administration")
    site_title = _("SMart group")
    index_title = _("Group administration")


class EntityAdminSite(ThrottledAdminLoginMixin, admin.AdminSite):
    site_header = _("Entity administration")
    site_title = _("SMart entity")
    index_title = _("Administration of this entity")

    def each_context(self, request):  # type: ignore[no-untyped-def]
        context = super().each_context(request)
        entity = getattr(request, "entity", None)
        if entity is not None:
            context["site_header"] = entity.display_name
        return context


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the services, the tasks and the commands only: nobody adds, changes or deletes
    them in the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Shown to, and editable by, active superusers only (whatever permissions others were given)."""

    def _superuser(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._superuser(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._superuser(request)


class SuperuserReadOnlyAdmin(ReadOnlyAdmin, SuperuserOnlyAdmin):
    """Read by superusers only; written by nobody in the admin (every field shown read-only)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]


group_admin_site = GroupAdminSite(name="group_admin")
entity_admin_site = EntityAdminSite(name="entity_admin")

for site in (group_admin_site, entity_admin_site):
    site.register(User, UserAdmin)
    site.register(Group, GroupAdmin)
