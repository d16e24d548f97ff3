from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

CONSENT_REQUIRED = "referral_consent_required"
PROJECT_REQUIRED = "referral_project_required"
PARTNER_UNKNOWN = "referral_partner_unknown"
NOT_YOURS = "referral_not_found"
CONSENT_REVOKED = "referral_consent_revoked"
STATUS_INVALID = "referral_status_invalid"
OUTCOME_INVALID = "referral_outcome_invalid"
WEBHOOK_URL_INVALID = "webhook_url_invalid"
WEBHOOK_URL_NOT_HTTPS = "webhook_url_https_required"
WEBHOOK_EVENTS_INVALID = "webhook_events_invalid"
WEBHOOK_NOT_FOUND = "webhook_endpoint_not_found"
WEBHOOK_INACTIVE = "webhook_endpoint_inactive"
DELIVERY_NOT_FOUND = "webhook_delivery_not_found"
DELIVERY_NOT_FAILED = "webhook_delivery_not_failed"
DELIVERY_STATUS_INVALID = "webhook_delivery_status_invalid"

catalog = ErrorCatalog(
    {
        CONSENT_REQUIRED: _("The member's explicit consent, and the data it covers, are required to refer a project."),
        PROJECT_REQUIRED: _("Describe the project."),
        PARTNER_UNKNOWN: _("This partner does not exist or no longer takes referrals."),
        NOT_YOURS: _("No such referral."),
        CONSENT_REVOKED: _("The member has revoked their consent: this referral is closed."),
        STATUS_INVALID: _("A referral that is %(current)s cannot become %(wanted)s."),
        OUTCOME_INVALID: _("Unknown outcome."),
        WEBHOOK_URL_INVALID: _("This is not a web address a webhook can be sent to: give a full https:// address."),
        WEBHOOK_URL_NOT_HTTPS: _(
            "A webhook address must use https://; http:// is accepted only for this machine (localhost) in development."
        ),
        WEBHOOK_EVENTS_INVALID: _("Subscribe to at least one of these events, and only these: %(choices)s."),
        WEBHOOK_NOT_FOUND: _("No such webhook endpoint."),
        WEBHOOK_INACTIVE: _("This webhook endpoint is deactivated."),
        DELIVERY_NOT_FOUND: _("No such webhook delivery."),
        DELIVERY_STATUS_INVALID: _("A delivery's status is one of: %(choices)s."),
        DELIVERY_NOT_FAILED: _("Only a failed delivery can be sent again; this one is %(current)s."),
    }
)
