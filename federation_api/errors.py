"""Errors of the federation API. Each has a stable code and a translated message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

FIELD_REQUIRED = "provisioning_field_required"
IN_PROGRESS = "provisioning_in_progress"
TEMPLATE_STALE = "provisioning_template_stale"
NOT_FOUND = "provisioning_not_found"

catalog = ErrorCatalog(
    {
        FIELD_REQUIRED: _("The field %(name)s is required."),
        IN_PROGRESS: _("An entity with this short name is already being created."),
        TEMPLATE_STALE: _("The platform is being updated; try again once the update is finished."),
        NOT_FOUND: _("No such provisioning request."),
    }
)
