"""The "declare once" form: the performance, its document lines and its performers."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from tenants.activities.forms import ActivityChoiceField, MemberChoiceField
from tenants.billing.forms import ClientChoiceField, amount_field
from tenants.billing.models import InvoiceKind
from tenants.members.forms import CountryField, DateInput
from tenants.payroll.models import ContractKind

from .services import Performer

DOCUMENT_KINDS = [
    (InvoiceKind.INVOICE.value, InvoiceKind.INVOICE.label),
    (InvoiceKind.GRANT.value, InvoiceKind.GRANT.label),
    (InvoiceKind.SPONSORSHIP.value, InvoiceKind.SPONSORSHIP.label),
]


class DeclarationForm(forms.Form):
    activity = ActivityChoiceField()
    client = ClientChoiceField()
    document_kind = forms.ChoiceField(label=_("Document"), choices=DOCUMENT_KINDS, initial=InvoiceKind.INVOICE)
    performed_from = forms.DateField(label=_("Performed from"), widget=DateInput())
    performed_to = forms.DateField(label=_("Performed to"), widget=DateInput())
    country = CountryField(label=_("Country of the performance"))
    issued_on = forms.DateField(
        label=_("Issue date"),
        required=False,
        widget=DateInput(),
        help_text=_("The last day of the performance when left empty."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("performed_from"), data.get("performed_to")
        if start and end and end < start:
            self.add_error("performed_to", _("The performance must end on or after the day it starts."))
        return data


class PerformerForm(forms.Form):
    member = MemberChoiceField()
    gross = amount_field(_("Gross amount"))
    kind = forms.ChoiceField(label=_("Contract"), choices=ContractKind.choices, initial=ContractKind.WAGE)

    def performer(self) -> Performer:
        data = self.cleaned_data
        return Performer(member=data["member"], gross=data["gross"], kind=data["kind"])


class BasePerformerFormSet(BaseFormSet):
    def performers(self) -> list[Performer]:
        """The filled rows (blank extra rows are left out)."""
        return [form.performer() for form in self.forms if form.has_changed() and form.cleaned_data]


PerformerFormSet = formset_factory(PerformerForm, formset=BasePerformerFormSet, extra=3, max_num=50)


def performer_formset(data: Any = None) -> BasePerformerFormSet:
    return cast(BasePerformerFormSet, PerformerFormSet(data, prefix="performers"))
