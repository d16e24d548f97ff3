"""Errors of the federation: provisioning requests and the consolidated figures. Each has a stable
code and a translated message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

FIELD_REQUIRED = "provisioning_field_required"
IN_PROGRESS = "provisioning_in_progress"
TEMPLATE_STALE = "provisioning_template_stale"
NOT_FOUND = "provisioning_not_found"
UNKNOWN_ENTITY = "federation_unknown_entity"
BAD_PERIOD = "federation_period_invalid"
FUTURE_PERIOD = "federation_period_in_future"
UNKNOWN_CURRENCY = "federation_unknown_currency"
RATE_MISSING = "federation_rate_missing"
BAD_CHOICE = "federation_invalid_choice"
RATES_FILE = "federation_rates_file_invalid"
JOB_BUSY = "federation_job_busy"
BAD_RANGE = "federation_period_range_invalid"

catalog = ErrorCatalog(
    {
        FIELD_REQUIRED: _("The field %(name)s is required."),
        IN_PROGRESS: _("An entity with this short name is already being created."),
        TEMPLATE_STALE: _("The platform is being updated; try again once the update is finished."),
        NOT_FOUND: _("No such provisioning request."),
        UNKNOWN_ENTITY: _("No entity has the id %(entity)s."),
        BAD_PERIOD: _("A period is a month written YYYY-MM, not %(value)s."),
        FUTURE_PERIOD: _("The period %(period)s is in the future."),
        UNKNOWN_CURRENCY: _("%(currency)s is not a currency of the group."),
        RATE_MISSING: _("No reference rate for %(currency)s in %(period)s: load the ECB rates of that month."),
        BAD_CHOICE: _("%(value)s is not one of: %(choices)s."),
        JOB_BUSY: _("This job is already queued or running: %(kind)s. Wait for it to finish."),
        BAD_RANGE: _("The first month (%(period_from)s) comes after the last one (%(period_to)s)."),
        RATES_FILE: _("The rates file is not in the ECB format (Date,USD,JPY,...): %(problem)s."),
    }
)
