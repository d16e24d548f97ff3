"""Clients, suppliers, documents (invoices, credit notes, funding agreements), payments and expenses in
and out of the entity API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenants.activities.models import Activity
from tenants.api_base import (
    AmountField,
    BlankableEmailField,
    ExactDecimalField,
    MoneyField,
    MoneySerializer,
    PublicIdRelatedField,
    ServiceChoiceField,
    country_field,
    money,
)
from tenants.members.models import Member
from tenants.registry.validators import country_codes

from .models import Client, Expense, ExpenseStatus, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, Payment, Supplier
from .services import LineInput, document_due

# The kinds of document made directly (credit notes are made from an issued invoice).
DOCUMENT_KIND_CHOICES = [
    (kind.value, kind.label) for kind in (InvoiceKind.INVOICE, InvoiceKind.GRANT, InvoiceKind.SPONSORSHIP)
]


def _country(value: str) -> None:
    if value.upper() not in country_codes():
        raise serializers.ValidationError(_("Not an ISO 3166 country code."))


# --- counterparties -------------------------------------------------------------------------------


class ClientSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    email = BlankableEmailField(read_only=True)

    class Meta:
        model = Client
        fields = ["id", "name", "country", "vat_number", "email", "address", "is_funder"]
        read_only_fields = fields


class SupplierSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    email = BlankableEmailField(read_only=True)

    class Meta:
        model = Supplier
        fields = ["id", "name", "country", "vat_number", "email", "address"]
        read_only_fields = fields


class SupplierCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    country = country_field(validators=[_country])
    vat_number = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")


class ClientCreateSerializer(SupplierCreateSerializer):
    is_funder = serializers.BooleanField(
        required=False, default=False, help_text=_("A funder signs grant and sponsorship agreements.")
    )


class CounterpartyFilterSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, required=False, help_text=_("Search in the name."))


class ClientFilterSerializer(CounterpartyFilterSerializer):
    is_funder = serializers.BooleanField(required=False, allow_null=True, default=None)


# --- documents ------------------------------------------------------------------------------------


class LineInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    quantity = ExactDecimalField(max_digits=12, decimal_places=3, help_text=_('Decimal string, e.g. "1" or "2.5".'))
    unit_price = AmountField()
    vat_rate = ExactDecimalField(max_digits=5, decimal_places=2, help_text=_('Percent, e.g. "21".'))
    currency = serializers.CharField(
        max_length=3, required=False, help_text=_("When given, must be the document's currency.")
    )

    def to_line(self, data: dict[str, Any]) -> LineInput:
        return LineInput(
            description=data["description"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            vat_rate=data["vat_rate"],
            currency=data.get("currency"),
        )


def lines_in(data: list[dict[str, Any]]) -> list[LineInput]:
    return [LineInputSerializer().to_line(line) for line in data]


class InvoiceLineSerializer(serializers.ModelSerializer):
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, coerce_to_string=True)
    vat_rate = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True)
    unit_price = MoneyField(currency_attribute="invoice.currency")
    net_amount = MoneyField(currency_attribute="invoice.currency")
    vat_amount = MoneyField(currency_attribute="invoice.currency")

    class Meta:
        model = InvoiceLine
        fields = ["description", "quantity", "unit_price", "vat_rate", "net_amount", "vat_amount"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    invoice = serializers.UUIDField(source="invoice.public_id", read_only=True)
    amount = MoneyField()

    class Meta:
        model = Payment
        fields = ["id", "invoice", "amount", "received_on", "reference"]
        read_only_fields = fields


class InvoiceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    activity = serializers.UUIDField(source="activity.public_id", read_only=True)
    client = serializers.UUIDField(source="client.public_id", read_only=True)
    credit_of = serializers.UUIDField(source="credit_of.public_id", read_only=True, allow_null=True, default=None)
    total_gross = MoneyField(help_text=_("Total including VAT (zero until issued)."))

    class Meta:
        model = Invoice
        fields = [
            "id",
            "kind",
            "number",
            "status",
            "activity",
            "client",
            "client_name",
            "currency",
            "issue_date",
            "due_date",
            "credit_of",
            "total_gross",
            "created_at",
        ]
        read_only_fields = fields


class TotalsSerializer(serializers.Serializer):
    net = MoneySerializer()
    vat = MoneySerializer()
    gross = MoneySerializer()


class LevySerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, coerce_to_string=True, allow_null=True)
    amount = MoneySerializer()


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField(help_text=_("Snapshots taken when the document was issued."))
    levy = serializers.SerializerMethodField(help_text=_("The single percentage on the document."))
    amount_due = serializers.SerializerMethodField(
        help_text=_("What the client still owes (issued invoices and funding agreements only).")
    )
    credit_notes: serializers.SlugRelatedField[Invoice] = serializers.SlugRelatedField(
        slug_field="public_id", many=True, read_only=True
    )
    payments = PaymentSerializer(many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "lines", "totals", "levy", "amount_due", "credit_notes", "payments"]
        read_only_fields = fields

    @extend_schema_field(TotalsSerializer)
    def get_totals(self, invoice: Invoice) -> dict[str, Any]:
        c = invoice.currency
        return {
            "net": money(invoice.total_net, c),
            "vat": money(invoice.total_vat, c),
            "gross": money(invoice.total_gross, c),
        }

    @extend_schema_field(LevySerializer)
    def get_levy(self, invoice: Invoice) -> dict[str, Any]:
        rate = None if invoice.levy_rate is None else f"{invoice.levy_rate:.2f}"
        return {"rate": rate, "amount": money(invoice.levy_amount, invoice.currency)}

    @extend_schema_field(MoneySerializer(allow_null=True))
    def get_amount_due(self, invoice: Invoice) -> dict[str, Any] | None:
        if invoice.status == InvoiceStatus.DRAFT or invoice.kind == InvoiceKind.CREDIT_NOTE:
            return None
        return money(document_due(invoice), invoice.currency)


class DocumentCreateSerializer(serializers.Serializer):
    kind = ServiceChoiceField(
        choices=DOCUMENT_KIND_CHOICES,
        required=False,
        default=InvoiceKind.INVOICE.value,
        help_text=_("Credit notes are made from an issued invoice (POST /invoices/{id}/credit-notes/)."),
    )
    activity = PublicIdRelatedField(queryset=Activity.objects.all())
    client = PublicIdRelatedField(queryset=Client.objects.all())
    currency = serializers.CharField(max_length=3, help_text=_("Must be the activity's currency."))
    lines = LineInputSerializer(many=True)


class DocumentIssueSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("Issue date; today when left out."))
    due_in_days = serializers.IntegerField(min_value=0, max_value=365, required=False, default=30)


class CreditNoteCreateSerializer(serializers.Serializer):
    lines = LineInputSerializer(many=True)
    on = serializers.DateField(required=False, help_text=_("Today when left out."))


class PaymentCreateSerializer(serializers.Serializer):
    amount = AmountField()
    currency = serializers.CharField(max_length=3)
    received_on = serializers.DateField(required=False, help_text=_("Today when left out."))
    reference = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class InvoiceFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InvoiceKind.choices, required=False)
    status = serializers.ChoiceField(choices=InvoiceStatus.choices, required=False)
    overdue = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: issued or partly paid and past their due date; false: all the others."),
    )
    activity = serializers.UUIDField(required=False, help_text=_("Id of an activity."))
    client = serializers.UUIDField(required=False, help_text=_("Id of a client."))


# --- expenses -------------------------------------------------------------------------------------


class ExpenseSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    activity = serializers.UUIDField(source="activity.public_id", read_only=True)
    member = serializers.UUIDField(source="member.public_id", read_only=True)
    supplier = serializers.UUIDField(source="supplier.public_id", read_only=True, allow_null=True, default=None)
    amount = MoneyField()
    has_receipt = serializers.SerializerMethodField()

    class Meta:
        model = Expense
        fields = ["id", "activity", "member", "supplier", "description", "amount", "spent_on", "status", "has_receipt"]
        read_only_fields = fields

    def get_has_receipt(self, expense: Expense) -> bool:
        return bool(expense.receipt)


class ExpenseCreateSerializer(serializers.Serializer):
    activity = PublicIdRelatedField(queryset=Activity.objects.all())
    member = PublicIdRelatedField(queryset=Member.objects.all(), help_text=_("The member who paid."))
    supplier = PublicIdRelatedField(queryset=Supplier.objects.all(), required=False, allow_null=True, default=None)
    description = serializers.CharField(max_length=300, allow_blank=True)
    amount = AmountField()
    currency = serializers.CharField(max_length=3)
    spent_on = serializers.DateField(required=False, help_text=_("Today when left out."))
    receipt = serializers.FileField(
        required=False, allow_null=True, default=None, help_text=_("Optional; send multipart/form-data to attach it.")
    )


class ExpenseActionSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, help_text=_("Today when left out."))


class ExpenseFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ExpenseStatus.choices, required=False)
    activity = serializers.UUIDField(required=False, help_text=_("Id of an activity."))
    member = serializers.UUIDField(required=False, help_text=_("Id of a member."))
