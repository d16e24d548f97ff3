from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

POOL_INSUFFICIENT = "financing_pool_insufficient"
ADVANCE_OVER_GRANT = "financing_advance_over_grant"
AMOUNT_INVALID = "financing_amount_invalid"
NOT_PENDING = "financing_not_pending"
TERMS_INVALID = "financing_loan_terms_invalid"
INSTALMENT_NOT_COVERED = "financing_instalment_not_covered"

catalog = ErrorCatalog(
    {
        POOL_INSUFFICIENT: _("The financing pool holds %(cash)s %(currency)s, not enough for %(amount)s %(currency)s."),
        ADVANCE_OVER_GRANT: _(
            "At most %(available)s %(currency)s can be advanced on this funding agreement (unpaid by the funder, "
            "minus the advances already made)."
        ),
        AMOUNT_INVALID: _("Enter an amount greater than zero."),
        NOT_PENDING: _("This request has already been decided."),
        TERMS_INVALID: _("A loan needs an amount above zero, an interest rate of zero or more and 1 to 120 months."),
        INSTALMENT_NOT_COVERED: _("The activity's balance does not cover the instalment of %(amount)s %(currency)s."),
    }
)
