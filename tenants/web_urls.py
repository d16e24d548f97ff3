"""Staff pages of an entity's subdomain (members, activities, invoices, contracts, expenses, ledger).

URL keyword arguments that name an object are its public UUID, called ``<model>_id`` (member_id,
activity_id, invoice_id, contract_id, expense_id, client_id, entry_id, declaration_id): the isolation
test fills them with the ids of every entity. Filters travel in the query string; an export takes the
same query string as the list it exports.
"""

from django.urls import path

from tenants.activities import views as activities
from tenants.billing import views as billing
from tenants.declarations import views as declarations
from tenants.ledger import views as ledger
from tenants.members import views as members
from tenants.payroll import views as payroll

CSV, XLSX = {"fmt": "csv"}, {"fmt": "xlsx"}

urlpatterns = [
    # Members
    path("members/", members.member_list, name="member_list"),
    path("members/new/", members.member_create, name="member_create"),
    path("members/export.csv", members.member_export, CSV, name="member_export_csv"),
    path("members/export.xlsx", members.member_export, XLSX, name="member_export_xlsx"),
    path("members/<uuid:member_id>/", members.member_detail, name="member_detail"),
    # Activities
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/new/", activities.activity_create, name="activity_create"),
    path("activities/<uuid:activity_id>/", activities.activity_detail, name="activity_detail"),
    path("activities/<uuid:activity_id>/stage/", activities.activity_stage_change, name="activity_stage_change"),
    path("activities/<uuid:activity_id>/members/", activities.activity_member_add, name="activity_member_add"),
    path("activities/<uuid:activity_id>/statement/", ledger.activity_statement, name="activity_statement"),
    path(
        "activities/<uuid:activity_id>/statement.csv",
        ledger.activity_statement_export,
        CSV,
        name="activity_statement_export_csv",
    ),
    path(
        "activities/<uuid:activity_id>/statement.xlsx",
        ledger.activity_statement_export,
        XLSX,
        name="activity_statement_export_xlsx",
    ),
    # Declare once
    path("declarations/new/", declarations.declaration_create, name="declaration_create"),
    # Invoices and funding agreements
    path("invoices/", billing.invoice_list, name="invoice_list"),
    path("invoices/export.csv", billing.invoice_export, CSV, name="invoice_export_csv"),
    path("invoices/export.xlsx", billing.invoice_export, XLSX, name="invoice_export_xlsx"),
    path("invoices/<uuid:invoice_id>/", billing.invoice_detail, name="invoice_detail"),
    path("invoices/<uuid:invoice_id>/payments/", billing.payment_create, name="payment_create"),
    path("invoices/<uuid:invoice_id>/credit-note/", billing.credit_note_create, name="credit_note_create"),
    # Clients
    path("clients/", billing.client_list, name="client_list"),
    path("clients/new/", billing.client_create, name="client_create"),
    path("clients/<uuid:client_id>/", billing.client_detail, name="client_detail"),
    # Contracts
    path("contracts/", payroll.contract_list, name="contract_list"),
    path("contracts/export.csv", payroll.contract_export, CSV, name="contract_export_csv"),
    path("contracts/export.xlsx", payroll.contract_export, XLSX, name="contract_export_xlsx"),
    path("contracts/<uuid:contract_id>/", payroll.contract_detail, name="contract_detail"),
    path("contracts/<uuid:contract_id>/pay/", payroll.contract_pay, name="contract_pay"),
    # Expenses
    path("expenses/", billing.expense_list, name="expense_list"),
    path("expenses/new/", billing.expense_create, name="expense_create"),
    path("expenses/export.csv", billing.expense_export, CSV, name="expense_export_csv"),
    path("expenses/export.xlsx", billing.expense_export, XLSX, name="expense_export_xlsx"),
    path("expenses/<uuid:expense_id>/", billing.expense_detail, name="expense_detail"),
    path("expenses/<uuid:expense_id>/receipt/", billing.expense_receipt, name="expense_receipt"),
    path("expenses/<uuid:expense_id>/approve/", billing.expense_approve, name="expense_approve"),
    path("expenses/<uuid:expense_id>/refund/", billing.expense_refund, name="expense_refund"),
    path("expenses/<uuid:expense_id>/reject/", billing.expense_reject, name="expense_reject"),
    # Ledger
    path("ledger/", ledger.trial_balance, name="trial_balance"),
]
