"""Forms of the contracts pages; the writes go through ``tenants.payroll.services``."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tenants.members.forms import DateInput, search_terms

from .models import Contract, ContractKind, ContractStatus


class ContractFilterForm(forms.Form):
    q = forms.CharField(label=_("Member or activity"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ContractStatus.choices]
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *ContractKind.choices])

    def filter(self, contracts: QuerySet[Contract]) -> QuerySet[Contract]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for term in search_terms(data.get("q", "")):
            contracts = contracts.filter(
                Q(member__first_name__icontains=term)
                | Q(member__last_name__icontains=term)
                | Q(activity__name__icontains=term)
            )
        if data.get("status"):
            contracts = contracts.filter(status=data["status"])
        if data.get("kind"):
            contracts = contracts.filter(kind=data["kind"])
        return contracts


class ContractPayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
