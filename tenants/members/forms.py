"""Forms of the members pages; the writes themselves go through ``tenants.members.services``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel import Locale, UnknownLocaleError
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tenants.registry.validators import country_codes

from .models import Member, StakeholderCategory


def country_choices() -> list[tuple[str, str]]:
    """Every country code, named in the current language."""
    names: Mapping[str, str]
    try:
        names = Locale.parse(get_language() or settings.LANGUAGE_CODE, sep="-").territories
    except (UnknownLocaleError, ValueError):
        names = {}
    return sorted(((code, f"{names.get(code, code)} ({code})") for code in country_codes()), key=lambda c: c[1])


class CountryField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Country"))
        super().__init__(choices=country_choices, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def search_terms(text: str) -> list[str]:
    return [term for term in (text or "").split() if term][:8]


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *StakeholderCategory.choices]
    )

    def filter(self, members: QuerySet[Member]) -> QuerySet[Member]:
        """The members matching the valid filters (an invalid filter is ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for term in search_terms(data.get("q", "")):
            members = members.filter(
                Q(first_name__icontains=term) | Q(last_name__icontains=term) | Q(email__icontains=term)
            )
        if data.get("category"):
            members = members.filter(category=data["category"])
        return members


class MemberCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("natural", _("Natural person")), ("legal", _("Legal person"))], initial="natural"
    )
    category = forms.ChoiceField(
        label=_("Stakeholder category"), choices=StakeholderCategory.choices, initial=StakeholderCategory.NATURAL_USER
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name or company name"), max_length=200)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())
    national_id = forms.CharField(label=_("National register number"), max_length=40, required=False)
    company_number = forms.CharField(label=_("Company number"), max_length=32, required=False)
    country = CountryField(required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=settings.LANGUAGES, required=False, widget=forms.CheckboxSelectMultiple
    )
    iban = forms.CharField(label=_("IBAN"), max_length=42, required=False)
    consent_partner_referrals = forms.BooleanField(
        label=_("Agrees to be referred to partner cooperatives"), required=False
    )
    consent_newsletter = forms.BooleanField(label=_("Agrees to receive the newsletter"), required=False)
