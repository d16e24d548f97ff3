from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

UNBALANCED = "ledger_entry_unbalanced"
TOO_FEW_LINES = "ledger_entry_too_few_lines"
NOT_DECIMAL = "ledger_amount_not_decimal"
ALREADY_REVERSED = "ledger_entry_already_reversed"
FORBIDDEN_OUTFLOW = "ledger_forbidden_activity_outflow"

catalog = ErrorCatalog(
    {
        UNBALANCED: _("The entry does not balance in %(currency)s: off by %(off_by)s."),
        TOO_FEW_LINES: _("A ledger entry needs at least two lines."),
        NOT_DECIMAL: _("Money amounts must be exact decimals."),
        ALREADY_REVERSED: _("This entry has already been reversed."),
        FORBIDDEN_OUTFLOW: _(
            "Money can leave an activity only as wages or fees, expense refunds or author's rights "
            "(entry kind %(kind)s is not one of them)."
        ),
    }
)
