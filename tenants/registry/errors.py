"""Errors a caller of the registry can cause. Each has a stable code and a translated message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from config.errors import PlatformError


class EntityError(PlatformError):
    """A refused registry action. ``code`` is stable (API clients match on it); ``message`` is for people."""


# Stable codes, with the message each one carries.
SLUG_INVALID = "entity_slug_invalid"
SLUG_TAKEN = "entity_slug_taken"
SLUG_RESERVED = "entity_slug_reserved"
DOMAIN_TAKEN = "entity_domain_taken"
DOMAIN_INVALID = "entity_domain_invalid"
COUNTRY_UNKNOWN = "entity_country_unknown"
CURRENCY_UNKNOWN = "entity_currency_unknown"
COMPANY_NUMBER_INVALID = "entity_company_number_invalid"
LANGUAGE_UNSUPPORTED = "entity_language_unsupported"
DEFAULT_LANGUAGE_NOT_SPOKEN = "entity_default_language_not_in_languages"
NAME_REQUIRED = "entity_name_required"
LEGAL_FORM_REQUIRED = "entity_legal_form_required"
CENTRAL_EXISTS = "entity_central_exists"
CENTRAL_CANNOT_CLOSE = "entity_central_cannot_close"
ALREADY_CLOSED = "entity_already_closed"
MERGE_TARGET_INVALID = "entity_merge_target_invalid"
STAFF_EMAIL_INVALID = "entity_staff_email_invalid"
ENTITY_CLOSED_READ_ONLY = "entity_closed_read_only"
UNKNOWN_HOST = "unknown_host"

MESSAGES = {
    SLUG_INVALID: _("The short name must be 2 to 40 lowercase letters, digits or hyphens, starting with a letter."),
    SLUG_TAKEN: _("Another entity already uses this short name."),
    SLUG_RESERVED: _("This short name is reserved by the platform."),
    DOMAIN_TAKEN: _("This domain already belongs to an entity."),
    DOMAIN_INVALID: _("This is not a valid domain name."),
    COUNTRY_UNKNOWN: _("Unknown country: use an ISO 3166 two-letter code such as BE or FR."),
    CURRENCY_UNKNOWN: _("Unknown currency: use an ISO 4217 code such as EUR, SEK or HUF."),
    COMPANY_NUMBER_INVALID: _("This company or VAT number is not valid for the entity's country."),
    LANGUAGE_UNSUPPORTED: _("The platform speaks French, Dutch, German and English only."),
    DEFAULT_LANGUAGE_NOT_SPOKEN: _("The default language must be one of the entity's languages."),
    NAME_REQUIRED: _("Both the display name and the legal name are required."),
    LEGAL_FORM_REQUIRED: _("The legal form is required."),
    CENTRAL_EXISTS: _("SMart Coop is already the central entity; there can be only one."),
    CENTRAL_CANNOT_CLOSE: _("The central entity (SMart Coop) cannot be wound down or closed."),
    ALREADY_CLOSED: _("This entity is already closed."),
    MERGE_TARGET_INVALID: _("An entity can only be merged into another entity that is still active."),
    STAFF_EMAIL_INVALID: _("The first staff user needs a valid e-mail address."),
    ENTITY_CLOSED_READ_ONLY: _("This entity is closed: its data can be read but no longer changed."),
    UNKNOWN_HOST: _("No entity of the SMart group answers on this address."),
}


def entity_error(code: str, *, field: str | None = None, status: int | None = None) -> EntityError:
    return EntityError(code, MESSAGES[code], field=field, status=status)
