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
# Open-ended contracts with income smoothing (C9).
SMOOTHING_NO_ACTIVITY = "payroll_smoothing_no_activity"
SMOOTHING_ALREADY_ACTIVE = "payroll_smoothing_already_active"
SMOOTHING_ENDED = "payroll_smoothing_agreement_ended"
SMOOTHING_ACTIVITY_NOT_LINKED = "payroll_smoothing_activity_not_linked"
SMOOTHING_AMOUNT_INVALID = "payroll_smoothing_amount_invalid"
SMOOTHING_MONTH_ALREADY_PAID = "payroll_smoothing_month_already_paid"
SMOOTHING_MONTH_OUTSIDE = "payroll_smoothing_month_outside_agreement"
SMOOTHING_RESERVE_INSUFFICIENT = "payroll_smoothing_reserve_insufficient"
SMOOTHING_PAID_AFTER_END = "payroll_smoothing_salary_paid_after_end"
SMOOTHING_MONTHS_INVALID = "payroll_smoothing_months_invalid"

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
        SMOOTHING_NO_ACTIVITY: _("An open-ended contract needs at least one activity to feed its reserve."),
        SMOOTHING_ALREADY_ACTIVE: _("The member already has an active open-ended contract."),
        SMOOTHING_ENDED: _("This open-ended contract has ended."),
        SMOOTHING_ACTIVITY_NOT_LINKED: _("This activity does not feed this open-ended contract's reserve."),
        SMOOTHING_AMOUNT_INVALID: _("The amount must be greater than zero."),
        SMOOTHING_MONTH_ALREADY_PAID: _("The salary of %(month)s has already been paid."),
        SMOOTHING_MONTH_OUTSIDE: _("%(month)s is outside the open-ended contract (%(starts_on)s to %(ends_on)s)."),
        SMOOTHING_RESERVE_INSUFFICIENT: _(
            "The reserve (%(balance)s %(currency)s) does not cover the month's salary cost of %(cost)s "
            "%(currency)s: %(shortfall)s %(currency)s missing."
        ),
        SMOOTHING_PAID_AFTER_END: _("Salaries are already paid after %(ends_on)s (last month paid: %(month)s)."),
        SMOOTHING_MONTHS_INVALID: _("The number of months must be at least 1."),
    }
)
