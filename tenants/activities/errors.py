from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

NAME_REQUIRED = "activity_name_required"
STAGE_UNKNOWN = "activity_stage_unknown"
STAGE_UNCHANGED = "activity_stage_unchanged"
BACKWARDS_NEEDS_REASON = "activity_stage_backwards_needs_reason"
ALREADY_MEMBER = "activity_member_already_in"
NOT_COVERED = "activity_balance_does_not_cover"
CURRENCY_UNKNOWN = "activity_currency_unknown"
ROLE_UNKNOWN = "activity_role_unknown"

catalog = ErrorCatalog(
    {
        NAME_REQUIRED: _("An activity needs a name."),
        STAGE_UNKNOWN: _("Unknown stage."),
        STAGE_UNCHANGED: _("The activity is already at this stage."),
        BACKWARDS_NEEDS_REASON: _("Going back to an earlier stage needs a reason."),
        ALREADY_MEMBER: _("This member already takes part in the activity."),
        CURRENCY_UNKNOWN: _("Unknown currency: use an ISO 4217 code such as EUR, SEK or HUF."),
        ROLE_UNKNOWN: _("Unknown role in the activity."),
        NOT_COVERED: _(
            "The activity's balance (%(balance)s %(currency)s) does not cover %(cost)s %(currency)s: "
            "%(shortfall)s %(currency)s missing."
        ),
    }
)
