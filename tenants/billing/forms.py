"""Forms of the invoicing pages (documents, payments, credit notes, clients, expenses).

Writes go through ``tenants.billing.services``; these forms only check the shape of the input.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.forms import BaseFormSet, formset_factory
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from tenants.activities.forms import ActivityChoiceField, MemberChoiceField, currency_choices
from tenants.members.forms import CountryField, DateInput, search_terms

from .models import Client, Expense, ExpenseStatus, Invoice, InvoiceKind, InvoiceStatus, Supplier
from .services import LineInput
from .vat import allowed_vat_rates

OVERDUE = "overdue"
RECEIPT_MAX_BYTES = 10 * 1024 * 1024


def amount_field(label: StrOrPromise, **kwargs: Any) -> forms.DecimalField:
    """A money amount as the models store it (18 digits, 2 decimals); the services round it per currency."""
    return forms.DecimalField(label=label, max_digits=18, decimal_places=2, **kwargs)


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Number or client"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *InvoiceStatus.choices, (OVERDUE, _("Overdue"))],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *InvoiceKind.choices])

    def filter(self, invoices: QuerySet[Invoice], *, today: datetime.date) -> QuerySet[Invoice]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for term in search_terms(data.get("q", "")):
            invoices = invoices.filter(Q(number__icontains=term) | Q(client_name__icontains=term))
        if data.get("status") == OVERDUE:
            invoices = invoices.filter(
                status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID], due_date__lt=today
            ).exclude(kind=InvoiceKind.CREDIT_NOTE)
        elif data.get("status"):
            invoices = invoices.filter(status=data["status"])
        if data.get("kind"):
            invoices = invoices.filter(kind=data["kind"])
        return invoices


class PaymentForm(forms.Form):
    amount = amount_field(_("Amount"))
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)


def vat_rate_choices(rates: frozenset[Decimal]) -> list[tuple[str, str]]:
    return [(str(rate), f"{number_format(rate)} %") for rate in sorted(rates, reverse=True)]


class LineForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=300)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3, initial=Decimal(1))
    unit_price = amount_field(_("Unit price"))
    vat_rate = forms.TypedChoiceField(label=_("VAT rate"), coerce=Decimal)

    def __init__(self, *args: Any, vat_rates: frozenset[Decimal] = frozenset({Decimal(0)}), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["vat_rate"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = vat_rate_choices(vat_rates)
        field.initial = str(max(vat_rates))

    def line(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            description=data["description"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            vat_rate=data["vat_rate"],
        )


class BaseLineFormSet(BaseFormSet):
    def lines(self) -> list[LineInput]:
        """The filled lines (blank extra rows are left out)."""
        return [form.line() for form in self.forms if form.has_changed() and form.cleaned_data]


LineFormSet = formset_factory(LineForm, formset=BaseLineFormSet, extra=3, min_num=1, validate_min=True, max_num=50)


def line_formset(country: str, data: Any = None) -> BaseLineFormSet:
    formset = LineFormSet(data, prefix="lines", form_kwargs={"vat_rates": allowed_vat_rates(country)})
    return cast(BaseLineFormSet, formset)


class CreditNoteForm(forms.Form):
    issued_on = forms.DateField(label=_("Date of the credit note"), widget=DateInput())


class ClientFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False)

    def filter(self, clients: QuerySet[Client]) -> QuerySet[Client]:
        self.is_valid()
        for term in search_terms(getattr(self, "cleaned_data", {}).get("q", "")):
            clients = clients.filter(Q(name__icontains=term) | Q(email__icontains=term))
        return clients


class ClientForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    country = CountryField()
    is_funder = forms.BooleanField(label=_("Funder (grants, sponsorship)"), required=False)
    vat_number = forms.CharField(label=_("VAT number"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)


class ClientChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Client.objects.all())
        kwargs.setdefault("label", _("Client or funder"))
        super().__init__(to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({_('funder')})" if obj.is_funder else str(obj.name)


class ExpenseFilterForm(forms.Form):
    q = forms.CharField(label=_("Description or member"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ExpenseStatus.choices]
    )

    def filter(self, expenses: QuerySet[Expense]) -> QuerySet[Expense]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        for term in search_terms(data.get("q", "")):
            expenses = expenses.filter(
                Q(description__icontains=term)
                | Q(member__first_name__icontains=term)
                | Q(member__last_name__icontains=term)
            )
        if data.get("status"):
            expenses = expenses.filter(status=data["status"])
        return expenses


class ExpenseForm(forms.Form):
    activity = ActivityChoiceField()
    member = MemberChoiceField(label=_("Member who paid"))
    supplier = forms.ModelChoiceField(
        label=_("Supplier"), queryset=Supplier.objects.all(), to_field_name="public_id", required=False
    )
    description = forms.CharField(label=_("Description"), max_length=300)
    amount = amount_field(_("Amount"))
    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices)
    spent_on = forms.DateField(label=_("Spent on"), widget=DateInput())
    receipt = forms.FileField(label=_("Receipt"), required=False, help_text=_("A scan or a photo, 10 MB at most."))

    def clean_receipt(self) -> Any:
        receipt = self.cleaned_data.get("receipt")
        if receipt is not None and receipt.size > RECEIPT_MAX_BYTES:
            raise forms.ValidationError(_("The receipt is larger than 10 MB."), code="too_large")
        return receipt


class ActionForm(forms.Form):
    """The (field-less) form of an action button: it carries the refusal, if any."""
