from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

TRANSITION_INVALID = "legal_case_transition_invalid"
REQUEST_INVALID = "legal_request_invalid"
OUTCOME_REQUIRED = "legal_outcome_required"
MEMBER_UNKNOWN = "legal_member_unknown"
DOCUMENT_TOO_BIG = "legal_document_too_big"
DOCUMENT_TYPE = "legal_document_type_not_allowed"
CASE_CLOSED = "legal_case_closed"

catalog = ErrorCatalog(
    {
        TRANSITION_INVALID: _("A case that is %(current)s cannot become %(wanted)s."),
        REQUEST_INVALID: _("Say what the member needs help with and choose at least one member."),
        OUTCOME_REQUIRED: _("Closing a case needs its outcome."),
        MEMBER_UNKNOWN: _("This member does not belong to the entity."),
        DOCUMENT_TOO_BIG: _("The document is larger than %(limit)s MB."),
        DOCUMENT_TYPE: _("Only PDF, JPEG and PNG documents are accepted."),
        CASE_CLOSED: _("The case is closed: nothing can be added to it."),
    }
)
