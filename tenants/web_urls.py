"""Staff pages of an entity's subdomain (members, activities, invoices, contracts, expenses, ledger).

URL keyword arguments that name an object are its public UUID, called ``<model>_id`` (member_id,
activity_id, invoice_id, contract_id, expense_id, client_id, entry_id, declaration_id): the isolation
test fills them with the ids of every entity.
"""

urlpatterns: list = []
