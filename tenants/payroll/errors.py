from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

OUTFLOW_KIND_NOT_ALLOWED = "payroll_outflow_kind_not_allowed"
DATES_INVALID = "payroll_dates_invalid"
GROSS_INVALID = "payroll_gross_invalid"
COUNTRY_UNKNOWN = "payroll_country_unknown"
CURRENCY_MISMATCH = "payroll_currency_mismatch"
NO_COEFFICIENT = "payroll_no_employer_cost_rate"
ALREADY_PAID = "payroll_contract_already_paid"
NOT_A_MEMBER = "payroll_member_not_in_activity"

catalog = ErrorCatalog(
    {
        OUTFLOW_KIND_NOT_ALLOWED: _(
            "Money leaves an activity only as wages or fees, expense refunds or author's rights; "
            "%(kind)s is none of them."
        ),
        DATES_INVALID: _("The performance must end on or after the day it starts."),
        GROSS_INVALID: _("The gross amount must be greater than zero."),
        COUNTRY_UNKNOWN: _("Unknown country of the performance."),
        CURRENCY_MISMATCH: _("The contract must be in the activity's currency (%(expected)s)."),
        NO_COEFFICIENT: _("The entity has no employer-cost coefficient in force on %(date)s."),
        ALREADY_PAID: _("This contract has already been paid."),
        NOT_A_MEMBER: _("The member does not take part in this activity."),
    }
)
