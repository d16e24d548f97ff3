"""Validation of entity data against real reference data (ISO codes from CLDR, numbers from stdnum)."""

from __future__ import annotations

import re
from functools import cache

from babel import Locale
from babel.numbers import list_currencies
from stdnum import get_cc_module
from stdnum.exceptions import ValidationError as StdnumError

from . import errors

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
RESERVED_SLUGS = frozenset(
    {
        "www",
        "api",
        "admin",
        "static",
        "media",
        "health",
        "public",
        "group",
        "mail",
        "smtp",
        "ftp",
        "pg",
        "information-schema",
        "test",
        "localhost",
    }
)
PLATFORM_LANGUAGES = ("fr", "nl", "de", "en")
# CLDR territories that are not countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})

# Company-register modules accepted besides the VAT number, per country.
_COMPANY_MODULES = {
    "fr": ("siren", "siret"),
    "nl": ("kvk",),
    "de": ("handelsregisternummer",),
    "se": ("orgnr",),
    "es": ("cif",),
    "at": ("businessid",),
    "it": ("codicefiscale",),
}


@cache
def country_codes() -> frozenset[str]:
    territories = Locale("en").territories
    return frozenset(
        code for code in map(str, territories) if re.fullmatch(r"[A-Z]{2}", code) and code not in _NOT_COUNTRIES
    )


@cache
def currency_codes() -> frozenset[str]:
    return frozenset(list_currencies())


def clean_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug) or slug.endswith("-") or "--" in slug:
        raise errors.entity_error(errors.SLUG_INVALID, field="slug")
    if slug in RESERVED_SLUGS:
        raise errors.entity_error(errors.SLUG_RESERVED, field="slug")
    return slug


def clean_country(country: str) -> str:
    code = (country or "").strip().upper()
    if code not in country_codes():
        raise errors.entity_error(errors.COUNTRY_UNKNOWN, field="country")
    return code


def clean_currency(currency: str) -> str:
    code = (currency or "").strip().upper()
    if code not in currency_codes():
        raise errors.entity_error(errors.CURRENCY_UNKNOWN, field="currency")
    return code


def clean_languages(languages: list[str], default_language: str) -> tuple[list[str], str]:
    cleaned: list[str] = []
    for language in languages or []:
        code = (language or "").strip().lower()
        if code not in PLATFORM_LANGUAGES:
            raise errors.entity_error(errors.LANGUAGE_UNSUPPORTED, field="languages")
        if code not in cleaned:
            cleaned.append(code)
    if not cleaned:
        raise errors.entity_error(errors.LANGUAGE_UNSUPPORTED, field="languages")
    default = (default_language or "").strip().lower()
    if default not in cleaned:
        raise errors.entity_error(errors.DEFAULT_LANGUAGE_NOT_SPOKEN, field="default_language")
    return cleaned, default


def clean_company_number(country: str, number: str) -> str:
    """Return the compact national form (no country prefix) of a VAT or company-register number
    valid for ``country``. Input may carry the prefix and any punctuation: "BE 0403.170.701"."""
    cc = country.lower()
    value = re.sub(r"[\s.\-/]", "", number or "").upper()
    prefix = "EL" if cc == "gr" else cc.upper()
    if value.startswith(prefix):
        value = value[len(prefix) :]
    modules = [get_cc_module(cc, "vat")]
    modules += [get_cc_module(cc, name) for name in _COMPANY_MODULES.get(cc, ())]
    for module in modules:
        if module is None or not value:
            continue
        try:
            return str(module.validate(value))
        except (StdnumError, ValueError):
            continue
    raise errors.entity_error(errors.COMPANY_NUMBER_INVALID, field="company_number")
