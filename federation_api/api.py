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


class EntityListApi(generics.ListAPIView):
    """The group's entities, closed ones included (flagged by ``status``). Group managers only."""

    serializer_class = EntitySerializer
    permission_classes = [permissions.IsAdminUser]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        entities = entity_list()
        status = self.request.query_params.get("status")
        if status:
            entities = entities.filter(status=status)
        country = self.request.query_params.get("country")
        if country:
            entities = entities.filter(country=country.upper())
        return entities
