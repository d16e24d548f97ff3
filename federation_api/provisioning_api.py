"""POST /api/v1/entities/provision/ (202 + status URL) and GET .../provision/<id>/ (group managers)."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.registry.selectors import entity_url

from . import errors
from .models import ProvisioningRequest
from .services import provisioning_request_create


class ProvisioningStatusSerializer(serializers.ModelSerializer):
    status_url = serializers.SerializerMethodField()
    entity = serializers.SerializerMethodField()

    class Meta:
        model = ProvisioningRequest
        fields = [
            "public_id",
            "slug",
            "status",
            "status_url",
            "entity",
            "error_code",
            "error_message",
            "created_at",
            "started_at",
            "finished_at",
            "seconds",
        ]

    def get_status_url(self, obj: ProvisioningRequest) -> str:
        return reverse("api-entity-provision-status", kwargs={"request_id": obj.public_id})

    def get_entity(self, obj: ProvisioningRequest) -> dict[str, Any] | None:
        if obj.entity is None:
            return None
        return {
            "public_id": str(obj.entity.public_id),
            "url": entity_url(obj.entity),
            "staff_username": obj.spec.get("staff_email", "").strip().lower(),
        }


class ProvisionApi(APIView):
    permission_classes = [permissions.IsAdminUser]

    def post(self, request: Request) -> Response:
        created = provisioning_request_create(data=dict(request.data), requested_by=request.user.get_username())
        body = ProvisioningStatusSerializer(created).data
        return Response(body, status=202, headers={"Location": body["status_url"]})


class ProvisionStatusApi(APIView):
    permission_classes = [permissions.IsAdminUser]

    def get(self, request: Request, request_id: str) -> Response:
        found = ProvisioningRequest.objects.select_related("entity").filter(public_id=request_id).first()
        if found is None:
            raise errors.catalog.error(errors.NOT_FOUND, status=404)
        return Response(ProvisioningStatusSerializer(found).data)


urlpatterns = [
    path("", ProvisionApi.as_view(), name="api-entity-provision"),
    path("<uuid:request_id>/", ProvisionStatusApi.as_view(), name="api-entity-provision-status"),
]
