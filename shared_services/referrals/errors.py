from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

CONSENT_REQUIRED = "referral_consent_required"
PROJECT_REQUIRED = "referral_project_required"
PARTNER_UNKNOWN = "referral_partner_unknown"
NOT_YOURS = "referral_not_found"
CONSENT_REVOKED = "referral_consent_revoked"
STATUS_INVALID = "referral_status_invalid"
OUTCOME_INVALID = "referral_outcome_invalid"

catalog = ErrorCatalog(
    {
        CONSENT_REQUIRED: _("The member's explicit consent, and the data it covers, are required to refer a project."),
        PROJECT_REQUIRED: _("Describe the project."),
        PARTNER_UNKNOWN: _("This partner does not exist or no longer takes referrals."),
        NOT_YOURS: _("No such referral."),
        CONSENT_REVOKED: _("The member has revoked their consent: this referral is closed."),
        STATUS_INVALID: _("A referral that is %(current)s cannot become %(wanted)s."),
        OUTCOME_INVALID: _("Unknown outcome."),
    }
)
