"""Staff pages of invoicing: invoices and funding agreements, payments, credit notes, clients, expenses."""

from __future__ import annotations

import posixpath
import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from config.errors import PlatformError
from tenants.activities.models import Activity
from tenants.declarations.models import Declaration
from tenants.exports import export_response
from tenants.web import refuse

from . import services
from .forms import (
    ActionForm,
    BaseLineFormSet,
    ClientFilterForm,
    ClientForm,
    CreditNoteForm,
    ExpenseFilterForm,
    ExpenseForm,
    InvoiceFilterForm,
    PaymentForm,
    line_formset,
)
from .models import Client, Expense, Invoice, InvoiceKind, InvoiceStatus

PAGE_SIZE = 25


def _entity_attr(request: HttpRequest, name: str) -> str:
    return str(getattr(getattr(request, "entity", None), name, ""))


def _by(request: HttpRequest) -> str:
    return request.user.get_username()


# --- Invoices and funding agreements --------------------------------------------------------------


def amount_due(invoice: Invoice) -> Decimal | None:
    """What the client still owes, for a document that can be paid (None for drafts and credit notes)."""
    if invoice.kind == InvoiceKind.CREDIT_NOTE or invoice.status == InvoiceStatus.DRAFT:
        return None
    return services.document_due(invoice)


def _filtered_invoices(request: HttpRequest) -> tuple[InvoiceFilterForm, QuerySet[Invoice]]:
    form = InvoiceFilterForm(request.GET)
    invoices = Invoice.objects.select_related("activity")
    return form, form.filter(invoices, today=timezone.localdate())


@login_required
@require_safe
def invoice_list(request: HttpRequest) -> HttpResponse:
    form, invoices = _filtered_invoices(request)
    page = Paginator(invoices, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(invoice, amount_due(invoice)) for invoice in page]
    context = {"filter_form": form, "page_obj": page, "rows": rows, "today": timezone.localdate()}
    return render(request, "billing/invoice_list.html", context)


def _invoice_page(
    request: HttpRequest, invoice: Invoice, *, payment_form: PaymentForm | None = None, status: int = 200
) -> HttpResponse:
    due = amount_due(invoice)
    declaration = (
        Declaration.objects.filter(invoice=invoice).prefetch_related("contracts__member").first()
        if invoice.kind != InvoiceKind.CREDIT_NOTE
        else None
    )
    context: dict[str, Any] = {
        "invoice": invoice,
        "lines": invoice.lines.all(),
        "payments": invoice.payments.all(),
        "credit_notes": invoice.credit_notes.all(),
        "due": due,
        "declaration": declaration,
        "can_pay": due is not None and due > 0,
        "can_credit": invoice.kind == InvoiceKind.INVOICE and invoice.status != InvoiceStatus.DRAFT,
        "payment_form": payment_form
        or PaymentForm(initial={"amount": due, "received_on": timezone.localdate()}, auto_id="payment_%s"),
    }
    return render(request, "billing/invoice_detail.html", context, status=status)


@login_required
@require_safe
def invoice_detail(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    invoice = get_object_or_404(Invoice.objects.select_related("activity", "client", "credit_of"), public_id=invoice_id)
    return _invoice_page(request, invoice)


@login_required
@require_POST
def payment_create(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    invoice = get_object_or_404(Invoice.objects.select_related("activity", "client", "credit_of"), public_id=invoice_id)
    form = PaymentForm(request.POST, auto_id="payment_%s")
    status = 400
    if form.is_valid():
        try:
            payment = services.payment_record(
                invoice=invoice,
                amount=form.cleaned_data["amount"],
                currency=invoice.currency,
                on=form.cleaned_data["received_on"],
                reference=form.cleaned_data["reference"],
                by=_by(request),
            )
        except PlatformError as error:
            status = refuse(form, error)
        else:
            messages.success(
                request,
                _("A payment of %(amount)s %(currency)s was recorded.")
                % {"amount": payment.amount, "currency": payment.currency},
            )
            return redirect("invoice_detail", invoice_id=invoice.public_id)
    return _invoice_page(request, invoice, payment_form=form, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def credit_note_create(request: HttpRequest, invoice_id: uuid.UUID) -> HttpResponse:
    invoice = get_object_or_404(Invoice.objects.select_related("activity"), public_id=invoice_id)
    country = _entity_attr(request, "country")
    status = 200
    formset: BaseLineFormSet
    if request.method == "POST":
        form = CreditNoteForm(request.POST)
        formset = line_formset(country, request.POST)
        status = 400
        if form.is_valid() and formset.is_valid():
            try:
                note = services.credit_note_issue(
                    invoice=invoice, lines=formset.lines(), on=form.cleaned_data["issued_on"], by=_by(request)
                )
            except PlatformError as error:
                status = refuse(form, error)
            else:
                messages.success(request, _("The credit note %(number)s was issued.") % {"number": note.number})
                return redirect("invoice_detail", invoice_id=note.public_id)
    else:
        form = CreditNoteForm(initial={"issued_on": timezone.localdate()})
        formset = line_formset(country)
    context = {"invoice": invoice, "form": form, "formset": formset, "due": amount_due(invoice)}
    return render(request, "billing/credit_note_form.html", context, status=status)


INVOICE_EXPORT_HEADERS = [
    gettext_lazy("Number"),
    gettext_lazy("Kind"),
    gettext_lazy("Status"),
    gettext_lazy("Issue date"),
    gettext_lazy("Due date"),
    gettext_lazy("Client"),
    gettext_lazy("Activity"),
    gettext_lazy("Currency"),
    gettext_lazy("Total excluding VAT"),
    gettext_lazy("VAT"),
    gettext_lazy("Total including VAT"),
    gettext_lazy("Levy rate (%)"),
    gettext_lazy("Levy"),
    gettext_lazy("Amount due"),
]


@login_required
@require_GET  # a download (see tenants.exports)
def invoice_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _form, invoices = _filtered_invoices(request)
    rows = (
        [
            i.number,
            i.get_kind_display(),
            i.get_status_display(),
            i.issue_date,
            i.due_date,
            i.client_name,
            i.activity.name,
            i.currency,
            i.total_net,
            i.total_vat,
            i.total_gross,
            i.levy_rate,
            i.levy_amount,
            amount_due(i),
        ]
        for i in invoices.iterator(chunk_size=500)
    )
    return export_response(
        fmt,
        filename="invoices",
        title=gettext_lazy("Invoices"),
        headers=INVOICE_EXPORT_HEADERS,
        rows=rows,
    )


# --- Clients --------------------------------------------------------------------------------------


@login_required
@require_safe
def client_list(request: HttpRequest) -> HttpResponse:
    form = ClientFilterForm(request.GET)
    page = Paginator(form.filter(Client.objects.all()), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "billing/client_list.html", {"filter_form": form, "page_obj": page})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ClientForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                client = services.client_create(**form.cleaned_data)
            except PlatformError as error:
                status = refuse(form, error)
            else:
                messages.success(request, _("The client %(name)s was added.") % {"name": client.name})
                return redirect("client_detail", client_id=client.public_id)
    else:
        form = ClientForm(initial={"country": _entity_attr(request, "country")})
    return render(request, "billing/client_form.html", {"form": form}, status=status)


@login_required
@require_safe
def client_detail(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    client = get_object_or_404(Client, public_id=client_id)
    invoices = client.invoices.select_related("activity")
    return render(request, "billing/client_detail.html", {"client": client, "invoices": invoices})


# --- Expenses -------------------------------------------------------------------------------------


def _filtered_expenses(request: HttpRequest) -> tuple[ExpenseFilterForm, QuerySet[Expense]]:
    form = ExpenseFilterForm(request.GET)
    return form, form.filter(Expense.objects.select_related("activity", "member", "supplier"))


@login_required
@require_safe
def expense_list(request: HttpRequest) -> HttpResponse:
    form, expenses = _filtered_expenses(request)
    page = Paginator(expenses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "billing/expense_list.html", {"filter_form": form, "page_obj": page})


def activity_from_query(request: HttpRequest) -> Activity | None:
    """The activity named by ``?activity=<public id>`` (pre-selected in a form), if it is one of ours."""
    try:
        public_id = uuid.UUID(request.GET.get("activity", ""))
    except ValueError:
        return None
    return Activity.objects.filter(public_id=public_id).first()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def expense_create(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        form = ExpenseForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                expense = services.expense_submit(
                    activity=data["activity"],
                    member=data["member"],
                    supplier=data["supplier"],
                    description=data["description"],
                    amount=data["amount"],
                    currency=data["currency"],
                    on=data["spent_on"],
                    receipt=data["receipt"],
                )
            except PlatformError as error:
                status = refuse(form, error)
            else:
                messages.success(request, _("The expense was submitted."))
                return redirect("expense_detail", expense_id=expense.public_id)
    else:
        activity = activity_from_query(request)
        form = ExpenseForm(
            initial={
                "activity": activity.public_id if activity else None,
                "currency": activity.currency if activity else _entity_attr(request, "currency"),
                "spent_on": timezone.localdate(),
            }
        )
    return render(request, "billing/expense_form.html", {"form": form}, status=status)


def _expense_page(
    request: HttpRequest, expense: Expense, *, action_form: ActionForm | None = None, status: int = 200
) -> HttpResponse:
    context = {"expense": expense, "action_form": action_form or ActionForm()}
    return render(request, "billing/expense_detail.html", context, status=status)


def _expense(expense_id: uuid.UUID) -> Expense:
    return get_object_or_404(Expense.objects.select_related("activity", "member", "supplier"), public_id=expense_id)


@login_required
@require_safe
def expense_detail(request: HttpRequest, expense_id: uuid.UUID) -> HttpResponse:
    return _expense_page(request, _expense(expense_id))


def _expense_action(request: HttpRequest, expense_id: uuid.UUID, action: str) -> HttpResponse:
    expense = _expense(expense_id)
    form = ActionForm(request.POST)
    form.is_valid()
    on, by = timezone.localdate(), _by(request)
    try:
        if action == "approve":
            services.expense_approve(expense=expense, on=on, by=by)
            messages.success(request, _("The expense was approved and charged to the activity."))
        elif action == "refund":
            services.expense_refund(expense=expense, on=on, by=by)
            messages.success(request, _("The expense was refunded to the member."))
        else:
            services.expense_reject(expense=expense)
            messages.success(request, _("The expense was rejected."))
    except PlatformError as error:
        return _expense_page(request, expense, action_form=form, status=refuse(form, error))
    return redirect("expense_detail", expense_id=expense.public_id)


@login_required
@require_POST
def expense_approve(request: HttpRequest, expense_id: uuid.UUID) -> HttpResponse:
    return _expense_action(request, expense_id, "approve")


@login_required
@require_POST
def expense_refund(request: HttpRequest, expense_id: uuid.UUID) -> HttpResponse:
    return _expense_action(request, expense_id, "refund")


@login_required
@require_POST
def expense_reject(request: HttpRequest, expense_id: uuid.UUID) -> HttpResponse:
    return _expense_action(request, expense_id, "reject")


@login_required
@require_safe
def expense_receipt(request: HttpRequest, expense_id: uuid.UUID) -> FileResponse:
    """The receipt, downloaded through the entity's own page (files are never served by URL alone)."""
    expense = _expense(expense_id)
    if not expense.receipt:
        raise Http404
    try:
        handle = expense.receipt.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=posixpath.basename(expense.receipt.name or "receipt"))


EXPENSE_EXPORT_HEADERS = [
    gettext_lazy("Spent on"),
    gettext_lazy("Description"),
    gettext_lazy("Member"),
    gettext_lazy("Activity"),
    gettext_lazy("Supplier"),
    gettext_lazy("Currency"),
    gettext_lazy("Amount"),
    gettext_lazy("Status"),
    gettext_lazy("Receipt"),
]


@login_required
@require_GET  # a download (see tenants.exports)
def expense_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _form, expenses = _filtered_expenses(request)
    rows = (
        [
            e.spent_on,
            e.description,
            e.member.display_name,
            e.activity.name,
            e.supplier.name if e.supplier else None,
            e.currency,
            e.amount,
            e.get_status_display(),
            bool(e.receipt),
        ]
        for e in expenses.iterator(chunk_size=500)
    )
    return export_response(
        fmt, filename="expenses", title=gettext_lazy("Expenses"), headers=EXPENSE_EXPORT_HEADERS, rows=rows
    )
