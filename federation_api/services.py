"""Provisioning of entities through the federation API: the request is recorded at once (202), a
public task builds the entity (``entity_create``, all or nothing) and records the outcome."""

from __future__ import annotations

import datetime
import time
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from config.errors import PlatformError
from tenants.registry import errors as registry_errors
from tenants.registry import validators
from tenants.registry.models import Entity
from tenants.registry.services import entity_create
from tenants.registry.template import TemplateStaleError

from . import errors
from .models import ProvisioningRequest, ProvisioningStatus

SPEC_FIELDS = (
    "slug",
    "display_name",
    "legal_name",
    "country",
    "legal_form",
    "company_number",
    "currency",
    "languages",
    "default_language",
    "staff_email",
    "is_demo",
)
REQUIRED = SPEC_FIELDS[:-1]


def provisioning_request_create(*, data: dict[str, Any], requested_by: str = "") -> ProvisioningRequest:
    """Record a request and send the task on commit. Refuses at once what can be known at once (a
    missing field, an invalid or taken short name, a request for that name already in progress);
    everything else is checked by ``entity_create`` when the task runs."""
    spec = {key: data[key] for key in SPEC_FIELDS if key in data}
    for key in REQUIRED:
        if spec.get(key) in (None, "", []):
            raise errors.catalog.error(errors.FIELD_REQUIRED, field=key, name=key)
    if not isinstance(spec["languages"], list) or not all(isinstance(x, str) for x in spec["languages"]):
        raise errors.catalog.error(errors.FIELD_REQUIRED, field="languages", name="languages")
    spec["is_demo"] = bool(spec.get("is_demo", False))
    slug = validators.clean_slug(str(spec["slug"]))
    spec["slug"] = slug
    if Entity.objects.filter(slug=slug).exists():
        raise registry_errors.entity_error(registry_errors.SLUG_TAKEN, field="slug", status=409)
    from .tasks import provision_entity

    with transaction.atomic():
        open_requests = ProvisioningRequest.objects.select_for_update().filter(
            slug=slug, status__in=[ProvisioningStatus.PENDING, ProvisioningStatus.RUNNING]
        )
        if open_requests.exists():
            raise errors.catalog.error(errors.IN_PROGRESS, field="slug", status=409)
        request = ProvisioningRequest.objects.create(spec=spec, slug=slug, requested_by=requested_by[:150])
        provision_entity.send_on_commit(str(request.public_id))
    return request


def provisioning_waiting(*, older_than: datetime.timedelta) -> list[ProvisioningRequest]:
    """Requests no worker has started, older than ``older_than``: their message may have been lost."""
    since = timezone.now() - older_than
    pending = ProvisioningRequest.objects.filter(status=ProvisioningStatus.PENDING, created_at__lt=since)
    return list(pending.order_by("created_at"))


def provisioning_run(*, request_id: uuid.UUID | str) -> ProvisioningRequest:
    """Build the entity of one request. Idempotent: a finished request is left as it is."""
    with transaction.atomic():
        request = ProvisioningRequest.objects.select_for_update().get(public_id=request_id)
        if request.status in (ProvisioningStatus.DONE, ProvisioningStatus.FAILED):
            return request
        request.status = ProvisioningStatus.RUNNING
        request.started_at = timezone.now()
        request.save(update_fields=["status", "started_at"])
    started = time.perf_counter()
    entity, code, message = None, "", ""
    try:
        entity = entity_create(**request.spec, acting_user=request.requested_by or "api").entity
    except PlatformError as exc:
        code, message = exc.code, str(exc.message)
    except TemplateStaleError as exc:
        code, message = errors.TEMPLATE_STALE, str(exc)
    request.seconds = time.perf_counter() - started
    request.finished_at = timezone.now()
    request.entity = entity
    request.status = ProvisioningStatus.DONE if entity else ProvisioningStatus.FAILED
    request.error_code, request.error_message = code, message[:500]
    request.save(update_fields=["seconds", "finished_at", "entity", "status", "error_code", "error_message"])
    return request
