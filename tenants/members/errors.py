from django.utils.translation import gettext_lazy as _

from config.errors import ErrorCatalog

IBAN_INVALID = "member_iban_invalid"
NAME_REQUIRED = "member_name_required"
CATEGORY_UNKNOWN = "member_category_unknown"
KIND_UNKNOWN = "member_kind_unknown"
EMAIL_INVALID = "member_email_invalid"
ALREADY_MEMBER = "member_already_exists"
LANGUAGE_UNSUPPORTED = "member_language_unsupported"
COMPANY_NUMBER_INVALID = "member_company_number_invalid"

catalog = ErrorCatalog(
    {
        IBAN_INVALID: _("This IBAN is not valid."),
        NAME_REQUIRED: _("A member needs a name (and a first name for a natural person)."),
        CATEGORY_UNKNOWN: _("Unknown stakeholder category."),
        KIND_UNKNOWN: _("A member is a natural or a legal person."),
        EMAIL_INVALID: _("This e-mail address is not valid."),
        ALREADY_MEMBER: _("This person is already a member of this entity."),
        LANGUAGE_UNSUPPORTED: _("The platform speaks French, Dutch, German and English only."),
        COMPANY_NUMBER_INVALID: _("A legal person needs a company number valid for its country."),
    }
)
