from __future__ import annotations

from rest_framework import generics, permissions, serializers

from tenants.registry.models import Entity
from tenants.registry.selectors import entity_list, entity_url


class EntitySerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Entity
        fields = [
            "public_id",
            "slug",
            "display_name",
            "legal_name",
            "country",
            "legal_form",
            "company_number",
            "currency",
            "languages",
            "default_language",
            "status",
            "is_central",
            "is_demo",
            "url",
            "created_at",
            "winding_down_since",
            "closed_at",
        ]

    def get_url(self, entity: Entity) -> str:
        return entity_url(entity)


class HasGroupRole(permissions.BasePermission):
    """Group management only (``group_manager`` or ``federation_reader``), not every group user."""

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        from .api_views import ROLES, roles_of

        return bool(roles_of(request.user) & ROLES)


class EntityListApi(generics.ListAPIView):
    """The group's entities, closed ones included (flagged by ``status``). Group management only."""

    serializer_class = EntitySerializer
    permission_classes = [HasGroupRole]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        entities = entity_list()
        status = self.request.query_params.get("status")
        if status:
            entities = entities.filter(status=status)
        country = self.request.query_params.get("country")
        if country:
            entities = entities.filter(country=country.upper())
        return entities
