"""The entity REST API (``/api/v1/`` on an entity's subdomain). Same URL conventions as web_urls.

Explicit routes (no DRF router): every keyword argument that names an object is its public UUID,
called ``<model>_id`` (member_id, activity_id, client_id, supplier_id, invoice_id, expense_id,
contract_id, declaration_id, entry_id), which the isolation test fills with the ids of every entity.
Every route has a name starting with ``api-``.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from config.api_docs import RedocPage, SwaggerPage
from tenants.activities import api as activities
from tenants.api_base import EntityAPIView
from tenants.billing import api as billing
from tenants.declarations import api as declarations
from tenants.ledger import api as ledger
from tenants.members import api as members
from tenants.payroll import api as payroll


class EntitySchemaApi(EntityAPIView, SpectacularAPIView):
    """The OpenAPI description of this API (YAML; JSON with ``?format=json``). Staff of the entity only."""


class EntitySwaggerApi(EntityAPIView, SwaggerPage):
    url_name = "api-schema"
    http_method_names = ["get", "head"]


class EntityRedocApi(EntityAPIView, RedocPage):
    url_name = "api-schema"
    http_method_names = ["get", "head"]


urlpatterns: list[Any] = [
    path("schema/", EntitySchemaApi.as_view(), name="api-schema"),
    path("docs/", EntitySwaggerApi.as_view(), name="api-docs"),
    path("redoc/", EntityRedocApi.as_view(), name="api-redoc"),
    # members
    path("members/", members.MemberListApi.as_view(), name="api-member-list"),
    path("members/<uuid:member_id>/", members.MemberDetailApi.as_view(), name="api-member-detail"),
    # activities
    path("activities/", activities.ActivityListApi.as_view(), name="api-activity-list"),
    path("activities/<uuid:activity_id>/", activities.ActivityDetailApi.as_view(), name="api-activity-detail"),
    path("activities/<uuid:activity_id>/stage/", activities.ActivityStageApi.as_view(), name="api-activity-stage"),
    path(
        "activities/<uuid:activity_id>/members/", activities.ActivityMembersApi.as_view(), name="api-activity-members"
    ),
    path(
        "activities/<uuid:activity_id>/statement/",
        activities.ActivityStatementApi.as_view(),
        name="api-activity-statement",
    ),
    # clients and suppliers
    path("clients/", billing.ClientListApi.as_view(), name="api-client-list"),
    path("clients/<uuid:client_id>/", billing.ClientDetailApi.as_view(), name="api-client-detail"),
    path("suppliers/", billing.SupplierListApi.as_view(), name="api-supplier-list"),
    path("suppliers/<uuid:supplier_id>/", billing.SupplierDetailApi.as_view(), name="api-supplier-detail"),
    # documents: invoices, credit notes, grant and sponsorship agreements
    path("invoices/", billing.InvoiceListApi.as_view(), name="api-invoice-list"),
    path("invoices/<uuid:invoice_id>/", billing.InvoiceDetailApi.as_view(), name="api-invoice-detail"),
    path("invoices/<uuid:invoice_id>/lines/", billing.InvoiceLinesApi.as_view(), name="api-invoice-lines"),
    path("invoices/<uuid:invoice_id>/issue/", billing.InvoiceIssueApi.as_view(), name="api-invoice-issue"),
    path(
        "invoices/<uuid:invoice_id>/credit-notes/",
        billing.InvoiceCreditNotesApi.as_view(),
        name="api-invoice-credit-notes",
    ),
    path("invoices/<uuid:invoice_id>/payments/", billing.InvoicePaymentsApi.as_view(), name="api-invoice-payments"),
    # contracts
    path("contracts/", payroll.ContractListApi.as_view(), name="api-contract-list"),
    path("contracts/<uuid:contract_id>/", payroll.ContractDetailApi.as_view(), name="api-contract-detail"),
    path("contracts/<uuid:contract_id>/pay/", payroll.ContractPayApi.as_view(), name="api-contract-pay"),
    # expenses
    path("expenses/", billing.ExpenseListApi.as_view(), name="api-expense-list"),
    path("expenses/<uuid:expense_id>/", billing.ExpenseDetailApi.as_view(), name="api-expense-detail"),
    path("expenses/<uuid:expense_id>/approve/", billing.ExpenseApproveApi.as_view(), name="api-expense-approve"),
    path("expenses/<uuid:expense_id>/refund/", billing.ExpenseRefundApi.as_view(), name="api-expense-refund"),
    path("expenses/<uuid:expense_id>/reject/", billing.ExpenseRejectApi.as_view(), name="api-expense-reject"),
    # declarations
    path("declarations/", declarations.DeclarationListApi.as_view(), name="api-declaration-list"),
    path(
        "declarations/<uuid:declaration_id>/",
        declarations.DeclarationDetailApi.as_view(),
        name="api-declaration-detail",
    ),
    # ledger
    path("ledger/trial-balance/", ledger.TrialBalanceApi.as_view(), name="api-ledger-trial-balance"),
    path("ledger/entries/", ledger.EntryListApi.as_view(), name="api-ledger-entry-list"),
    path("ledger/entries/<uuid:entry_id>/", ledger.EntryDetailApi.as_view(), name="api-ledger-entry-detail"),
]
