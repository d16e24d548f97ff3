from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

UNBALANCED = "pool_entry_unbalanced"
TOO_FEW_LINES = "pool_entry_too_few_lines"
NOT_DECIMAL = "pool_amount_not_decimal"
NOT_IN_TEAM = "service_team_required"

catalog = ErrorCatalog(
    {
        UNBALANCED: _("The pool entry does not balance in %(currency)s (off by %(off_by)s)."),
        TOO_FEW_LINES: _("A pool entry needs at least two lines."),
        NOT_DECIMAL: _("Amounts must be decimal numbers, never floating-point."),
        NOT_IN_TEAM: _("Only the %(team)s can do this."),
    }
)
