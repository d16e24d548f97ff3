"""Clients, suppliers, documents (invoices, credit notes, funding agreements), payments and expenses.

Reads build querysets of the entity's schema; every write is one call of ``tenants.billing.services``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from tenants.api_base import ACTION_ERRORS, DETAIL_ERRORS, LIST_ERRORS, SUBLIST_ERRORS, WRITE_ERRORS, EntityAPIView

from . import services
from .models import Client, Expense, Invoice, InvoiceLine, InvoiceStatus, Payment, Supplier
from .serializers import (
    ClientCreateSerializer,
    ClientFilterSerializer,
    ClientSerializer,
    CounterpartyFilterSerializer,
    CreditNoteCreateSerializer,
    DocumentCreateSerializer,
    DocumentIssueSerializer,
    ExpenseActionSerializer,
    ExpenseCreateSerializer,
    ExpenseFilterSerializer,
    ExpenseSerializer,
    InvoiceDetailSerializer,
    InvoiceFilterSerializer,
    InvoiceLineSerializer,
    InvoiceSerializer,
    LineInputSerializer,
    PaymentCreateSerializer,
    PaymentSerializer,
    SupplierCreateSerializer,
    SupplierSerializer,
    lines_in,
)

# --- clients and suppliers ------------------------------------------------------------------------


class ClientListApi(EntityAPIView):
    queryset = Client.objects.all()
    filter_serializer_class = ClientFilterSerializer

    def get_queryset(self) -> QuerySet[Client]:
        clients = Client.objects.all()
        filters = self.filters()
        if filters.get("is_funder") is not None:
            clients = clients.filter(is_funder=filters["is_funder"])
        if q := filters.get("q", "").strip():
            clients = clients.filter(name__icontains=q)
        return clients

    @extend_schema(
        operation_id="clients_list",
        parameters=[ClientFilterSerializer],
        responses={200: ClientSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.paginated(self.get_queryset(), ClientSerializer)

    @extend_schema(
        operation_id="clients_create", request=ClientCreateSerializer, responses={201: ClientSerializer, **WRITE_ERRORS}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.respond(services.client_create(**self.validated(ClientCreateSerializer)), ClientSerializer, 201)


class ClientDetailApi(EntityAPIView):
    queryset = Client.objects.all()
    lookup_url_kwarg = "client_id"

    @extend_schema(operation_id="clients_retrieve", responses={200: ClientSerializer, **DETAIL_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.respond(self.get_object(), ClientSerializer)


class SupplierListApi(EntityAPIView):
    queryset = Supplier.objects.all()
    filter_serializer_class = CounterpartyFilterSerializer

    def get_queryset(self) -> QuerySet[Supplier]:
        suppliers = Supplier.objects.all()
        if q := self.filters().get("q", "").strip():
            suppliers = suppliers.filter(name__icontains=q)
        return suppliers

    @extend_schema(
        operation_id="suppliers_list",
        parameters=[CounterpartyFilterSerializer],
        responses={200: SupplierSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.paginated(self.get_queryset(), SupplierSerializer)

    @extend_schema(
        operation_id="suppliers_create",
        request=SupplierCreateSerializer,
        responses={201: SupplierSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.respond(
            services.supplier_create(**self.validated(SupplierCreateSerializer)), SupplierSerializer, 201
        )


class SupplierDetailApi(EntityAPIView):
    queryset = Supplier.objects.all()
    lookup_url_kwarg = "supplier_id"

    @extend_schema(operation_id="suppliers_retrieve", responses={200: SupplierSerializer, **DETAIL_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.respond(self.get_object(), SupplierSerializer)


# --- documents ------------------------------------------------------------------------------------

_OPEN = (InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID)


def _documents() -> QuerySet[Invoice]:
    return Invoice.objects.select_related("activity", "client", "credit_of")


def _detailed() -> QuerySet[Invoice]:
    return _documents().prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("id")),
        "credit_notes",
        Prefetch("payments", queryset=Payment.objects.select_related("invoice")),
    )


class InvoiceListApi(EntityAPIView):
    """Every kind of document: invoices, credit notes, grant and sponsorship agreements."""

    queryset = Invoice.objects.all()
    filter_serializer_class = InvoiceFilterSerializer

    def get_queryset(self) -> QuerySet[Invoice]:
        documents = _documents()
        filters = self.filters()
        for name in ("kind", "status"):
            if name in filters:
                documents = documents.filter(**{name: filters[name]})
        if "activity" in filters:
            documents = documents.filter(activity__public_id=filters["activity"])
        if "client" in filters:
            documents = documents.filter(client__public_id=filters["client"])
        if filters.get("overdue") is not None:
            overdue = Q(status__in=_OPEN, due_date__lt=self.today()) & ~Q(kind="credit_note")
            documents = documents.filter(overdue) if filters["overdue"] else documents.exclude(overdue)
        return documents

    @extend_schema(
        operation_id="invoices_list",
        parameters=[InvoiceFilterSerializer],
        responses={200: InvoiceSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.paginated(self.get_queryset(), InvoiceSerializer)

    @extend_schema(
        operation_id="invoices_create",
        request=DocumentCreateSerializer,
        responses={201: InvoiceDetailSerializer, **WRITE_ERRORS},
        description="A draft invoice, grant or sponsorship agreement (issue it with POST /invoices/{id}/issue/).",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(DocumentCreateSerializer)
        invoice = services.document_create(
            kind=data["kind"],
            activity=data["activity"],
            client=data["client"],
            currency=data["currency"],
            lines=lines_in(data["lines"]),
        )
        return self.respond(_detailed().get(pk=invoice.pk), InvoiceDetailSerializer, 201)


class _InvoiceApi(EntityAPIView):
    queryset = _detailed()
    lookup_url_kwarg = "invoice_id"

    def detail(self, invoice: Invoice, status: int = 200) -> Response:
        return self.respond(_detailed().get(pk=invoice.pk), InvoiceDetailSerializer, status)


class InvoiceDetailApi(_InvoiceApi):
    @extend_schema(operation_id="invoices_retrieve", responses={200: InvoiceDetailSerializer, **DETAIL_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.respond(self.get_object(), InvoiceDetailSerializer)


class InvoiceLinesApi(_InvoiceApi):
    @extend_schema(
        operation_id="invoices_add_line",
        request=LineInputSerializer,
        responses={201: InvoiceLineSerializer, **ACTION_ERRORS},
        description="Add a line to a draft (an issued document is never edited: 409).",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invoice = self.get_object()
        data = self.validated(LineInputSerializer)
        line = services.document_add_line(invoice=invoice, line=LineInputSerializer().to_line(data))
        return self.respond(InvoiceLine.objects.select_related("invoice").get(pk=line.pk), InvoiceLineSerializer, 201)


class InvoiceIssueApi(_InvoiceApi):
    @extend_schema(
        operation_id="invoices_issue",
        request=DocumentIssueSerializer,
        responses={200: InvoiceDetailSerializer, **ACTION_ERRORS},
        description="Number the draft, take its totals and levy, post it to the ledger; it is frozen from then on.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invoice = self.get_object()
        data = self.validated(DocumentIssueSerializer)
        issued = services.document_issue(
            invoice=invoice, on=data.get("on") or self.today(), by=self.by, due_in_days=data["due_in_days"]
        )
        return self.detail(issued)


class InvoiceCreditNotesApi(_InvoiceApi):
    @extend_schema(
        operation_id="invoices_credit_note_issue",
        request=CreditNoteCreateSerializer,
        responses={201: InvoiceDetailSerializer, **ACTION_ERRORS},
        description="Correct an issued invoice with a credit note (issued at once).",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invoice = self.get_object()
        data = self.validated(CreditNoteCreateSerializer)
        note = services.credit_note_issue(
            invoice=invoice, lines=lines_in(data["lines"]), on=data.get("on") or self.today(), by=self.by
        )
        return self.detail(note, 201)


class InvoicePaymentsApi(_InvoiceApi):
    @extend_schema(
        operation_id="invoices_payments_list",
        responses={200: PaymentSerializer(many=True), **SUBLIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invoice = self.get_object()
        return self.paginated(
            invoice.payments.select_related("invoice").order_by("received_on", "id"), PaymentSerializer
        )

    @extend_schema(
        operation_id="invoices_payments_record",
        request=PaymentCreateSerializer,
        responses={201: PaymentSerializer, **ACTION_ERRORS},
        description="Money received from the client or funder (partial payments allowed, never more than due).",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invoice = self.get_object()
        data = self.validated(PaymentCreateSerializer)
        payment = services.payment_record(
            invoice=invoice,
            amount=data["amount"],
            currency=data["currency"],
            on=data.get("received_on") or self.today(),
            reference=data["reference"],
            by=self.by,
        )
        return self.respond(Payment.objects.select_related("invoice").get(pk=payment.pk), PaymentSerializer, 201)


# --- expenses -------------------------------------------------------------------------------------


def _expenses() -> QuerySet[Expense]:
    return Expense.objects.select_related("activity", "member", "supplier")


class ExpenseListApi(EntityAPIView):
    queryset = Expense.objects.all()
    filter_serializer_class = ExpenseFilterSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Expense]:
        expenses = _expenses()
        filters = self.filters()
        if "status" in filters:
            expenses = expenses.filter(status=filters["status"])
        if "activity" in filters:
            expenses = expenses.filter(activity__public_id=filters["activity"])
        if "member" in filters:
            expenses = expenses.filter(member__public_id=filters["member"])
        return expenses

    @extend_schema(
        operation_id="expenses_list",
        parameters=[ExpenseFilterSerializer],
        responses={200: ExpenseSerializer(many=True), **LIST_ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.paginated(self.get_queryset(), ExpenseSerializer)

    @extend_schema(
        operation_id="expenses_submit",
        request={"application/json": ExpenseCreateSerializer, "multipart/form-data": ExpenseCreateSerializer},
        responses={201: ExpenseSerializer, **WRITE_ERRORS},
        description="A cost a member paid for the activity; JSON, or multipart/form-data with a receipt.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(ExpenseCreateSerializer)
        expense = services.expense_submit(
            activity=data["activity"],
            member=data["member"],
            supplier=data["supplier"],
            description=data["description"],
            amount=data["amount"],
            currency=data["currency"],
            on=data.get("spent_on") or self.today(),
            receipt=data["receipt"],
        )
        return self.respond(_expenses().get(pk=expense.pk), ExpenseSerializer, 201)


class _ExpenseApi(EntityAPIView):
    queryset = _expenses()
    lookup_url_kwarg = "expense_id"


class ExpenseDetailApi(_ExpenseApi):
    @extend_schema(operation_id="expenses_retrieve", responses={200: ExpenseSerializer, **DETAIL_ERRORS})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.respond(self.get_object(), ExpenseSerializer)


class ExpenseApproveApi(_ExpenseApi):
    @extend_schema(
        operation_id="expenses_approve",
        request=ExpenseActionSerializer,
        responses={200: ExpenseSerializer, **ACTION_ERRORS},
        description="Charge the expense to the activity (refused when its balance does not cover it).",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expense = self.get_object()
        on = self.validated(ExpenseActionSerializer).get("on") or self.today()
        services.expense_approve(expense=expense, on=on, by=self.by)
        return self.respond(_expenses().get(pk=expense.pk), ExpenseSerializer)


class ExpenseRefundApi(_ExpenseApi):
    @extend_schema(
        operation_id="expenses_refund",
        request=ExpenseActionSerializer,
        responses={200: ExpenseSerializer, **ACTION_ERRORS},
        description="Pay an approved expense back to the member.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expense = self.get_object()
        on = self.validated(ExpenseActionSerializer).get("on") or self.today()
        services.expense_refund(expense=expense, on=on, by=self.by)
        return self.respond(_expenses().get(pk=expense.pk), ExpenseSerializer)


class ExpenseRejectApi(_ExpenseApi):
    @extend_schema(
        operation_id="expenses_reject",
        request=None,
        responses={200: ExpenseSerializer, **ACTION_ERRORS},
        description="Refuse a submitted expense.",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expense = self.get_object()
        services.expense_reject(expense=expense)
        return self.respond(_expenses().get(pk=expense.pk), ExpenseSerializer)
