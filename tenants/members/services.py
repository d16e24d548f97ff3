from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from stdnum import iban as iban_module
from stdnum.exceptions import ValidationError as StdnumError

from config.errors import PlatformError
from tenants.registry.persons import person_resolve
from tenants.registry.validators import PLATFORM_LANGUAGES, clean_company_number

from . import errors
from .models import Member, StakeholderCategory


def clean_iban(value: str) -> str:
    if not value:
        return ""
    try:
        return str(iban_module.validate(value))
    except StdnumError:
        raise errors.catalog.error(errors.IBAN_INVALID, field="iban") from None


def member_create(
    *,
    kind: str,
    category: str,
    last_name: str,
    first_name: str = "",
    birth_date: date | None = None,
    national_id: str = "",
    company_number: str = "",
    country: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    languages: list[str] | None = None,
    iban: str = "",
    consent_partner_referrals: bool = False,
    consent_newsletter: bool = False,
) -> Member:
    """Register a member, matched to the group-wide person registry (one person, one id)."""
    if kind not in ("natural", "legal"):
        raise errors.catalog.error(errors.KIND_UNKNOWN, field="kind")
    if category not in StakeholderCategory.values:
        raise errors.catalog.error(errors.CATEGORY_UNKNOWN, field="category")
    last_name, first_name = (last_name or "").strip(), (first_name or "").strip()
    if not last_name or (kind == "natural" and not first_name):
        raise errors.catalog.error(errors.NAME_REQUIRED, field="last_name")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise errors.catalog.error(errors.EMAIL_INVALID, field="email") from None
    languages = [code.lower() for code in (languages or [])]
    if any(code not in PLATFORM_LANGUAGES for code in languages):
        raise errors.catalog.error(errors.LANGUAGE_UNSUPPORTED, field="languages")
    iban = clean_iban(iban)
    if kind == "legal":
        try:
            company_number = clean_company_number(country, company_number)
        except PlatformError:
            raise errors.catalog.error(errors.COMPANY_NUMBER_INVALID, field="company_number") from None
    with transaction.atomic():
        person_id = person_resolve(
            kind=kind,
            national_id=national_id,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            company_number=company_number,
            country=country,
        )
        if Member.objects.filter(person_id=person_id).exists():
            raise errors.catalog.error(errors.ALREADY_MEMBER, status=409)
        return Member.objects.create(
            person_id=person_id,
            kind=kind,
            category=category,
            first_name=first_name,
            last_name=last_name,
            birth_date=birth_date,
            company_number=company_number,
            email=email,
            phone=phone,
            address=address,
            languages=languages,
            iban=iban,
            consent_partner_referrals=consent_partner_referrals,
            consent_newsletter=consent_newsletter,
        )
