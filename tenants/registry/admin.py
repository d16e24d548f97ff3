"""Group-site admin of the registry. Entities are created and closed through the services only:
the admin reads, and its actions call ``entity_wind_down`` / ``entity_close``."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from config.admin_sites import group_admin_site

from . import services
from .errors import EntityError
from .models import Domain, Entity, EntityEvent


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0
    fields = ("domain", "is_primary")
    readonly_fields = ("domain", "is_primary")
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Entity, site=group_admin_site)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("display_name", "slug", "country", "currency", "status", "is_central", "is_demo")
    list_filter = ("status", "country", "currency", "is_central", "is_demo")
    search_fields = ("display_name", "legal_name", "slug", "company_number")
    readonly_fields = (
        "public_id",
        "schema_name",
        "slug",
        "status",
        "is_central",
        "merged_into",
        "created_at",
        "winding_down_since",
        "closed_at",
        "country",
        "currency",
        "company_number",
    )
    fields = (
        "display_name",
        "legal_name",
        "legal_form",
        "languages",
        "default_language",
        "is_demo",
        *readonly_fields,
    )
    inlines = [DomainInline]
    actions = ["wind_down", "close"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Start winding down the selected entities"))
    def wind_down(self, request: HttpRequest, queryset: QuerySet[Entity]) -> None:
        self._each(request, queryset, services.entity_wind_down)

    @admin.action(description=_("Close the selected entities (read-only, nothing deleted)"))
    def close(self, request: HttpRequest, queryset: QuerySet[Entity]) -> None:
        self._each(request, queryset, services.entity_close)

    def _each(self, request: HttpRequest, queryset: QuerySet[Entity], action: Callable[..., Entity]) -> None:
        for entity in queryset:
            try:
                action(entity=entity, acting_user=request.user)
            except EntityError as exc:
                self.message_user(request, f"{entity}: {exc.message}", messages.ERROR)


@admin.register(EntityEvent, site=group_admin_site)
class EntityEventAdmin(admin.ModelAdmin):
    list_display = ("entity", "kind", "at", "actor")
    list_filter = ("kind",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
