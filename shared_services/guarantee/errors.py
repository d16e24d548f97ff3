from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

ENTITY_LIMIT = "guarantee_entity_limit_exceeded"
CLIENT_LIMIT = "guarantee_client_limit_exceeded"
FUND_INSUFFICIENT = "guarantee_fund_insufficient"
ALREADY_PAID = "guarantee_wage_already_paid"
NOT_DUE = "guarantee_wage_not_due"
ENTITY_CLOSED = "guarantee_entity_closed"
NOT_FOUND = "guarantee_not_found"
AMOUNT_INVALID = "guarantee_amount_invalid"
OVER_CLAIM = "guarantee_amount_over_claim"
NOT_COVERED = "guarantee_invoice_not_covered"

catalog = ErrorCatalog(
    {
        ENTITY_LIMIT: _(
            "The guarantee fund cannot take %(amount)s %(currency)s more for this entity: %(exposure)s already at "
            "stake, limit %(limit)s."
        ),
        CLIENT_LIMIT: _(
            "The guarantee fund cannot take %(amount)s %(currency)s more for this client: %(exposure)s already at "
            "stake, limit %(limit)s."
        ),
        FUND_INSUFFICIENT: _(
            "The guarantee fund holds %(cash)s %(currency)s available, not enough for %(amount)s %(currency)s."
        ),
        ALREADY_PAID: _("This wage has already been paid."),
        NOT_DUE: _("This wage is due on %(due)s, not before."),
        ENTITY_CLOSED: _("The entity is closed: the fund takes no new commitment for it."),
        NOT_FOUND: _("Nothing of that kind exists here."),
        AMOUNT_INVALID: _("Enter an amount greater than zero."),
        OVER_CLAIM: _("Only %(outstanding)s %(currency)s of this cover is still to be recovered."),
        NOT_COVERED: _("The fund has not covered this invoice."),
    }
)
