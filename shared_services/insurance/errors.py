from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

NOT_COVERED = "insurance_not_covered"
CLAIM_NOT_COVERED = "insurance_claim_not_covered"
TRANSITION_INVALID = "insurance_claim_transition_invalid"
CLAIM_INVALID = "insurance_claim_invalid"
DOCUMENT_TOO_BIG = "insurance_document_too_big"
DOCUMENT_TYPE = "insurance_document_type_not_allowed"

catalog = ErrorCatalog(
    {
        NOT_COVERED: _(
            "No group policy covers %(kind)s for a performance in %(country)s from %(start)s to %(end)s: the "
            "performance cannot be declared. Ask the insurance team for cover first."
        ),
        CLAIM_NOT_COVERED: _("The member was not covered by this policy on %(date)s."),
        TRANSITION_INVALID: _("A claim that is %(current)s cannot become %(wanted)s."),
        CLAIM_INVALID: _("Describe what happened and give an amount greater than zero."),
        DOCUMENT_TOO_BIG: _("The document is larger than %(limit)s MB."),
        DOCUMENT_TYPE: _("Only PDF, JPEG and PNG documents are accepted."),
    }
)
