"""Which tables the audit trail watches: every change to money, shares, votes, consents and
personal data. Each migration that adds a table worth auditing adds it here and attaches the trigger
(``audit.migrations``); ``tests/audit`` fails when a listed table has no trigger in a schema.

Left out on purpose, each for a reason:
* ``ledger_journalline``, ``shared_services_poolline``: lines of an entry, immutable and posted with
  it; the entry's own audit record covers them.
* ``governance_ballot``: a secret ballot must never be linkable to its voter, and an audit record
  carries the actor, the time and the request id. Votes are audited through participation (who
  voted, never how), proxies and the results.
* the legal-aid tables: their contents are confidential to the legal team (superusers excluded); they
  keep their own append-only access log (``legal_aid_caseaccesslog``).
"""

from __future__ import annotations

# Model labels (app_label.ModelName), per schema placement.
ENTITY_MODELS = [
    "auth.User",  # the entity's staff (personal data)
    "members.Member",  # personal data and consents
    "billing.Client",  # contact data
    "billing.Supplier",
    "billing.Invoice",
    "billing.Payment",
    "billing.Expense",
    "payroll.Contract",
    "ledger.JournalEntry",
]
PUBLIC_MODELS = [
    "auth.User",  # group users
    "governance.Cooperator",
    "governance.ShareTransaction",
    "governance.Proxy",
    "governance.Participation",
    "governance.ResolutionResult",
    "governance.VotingLink",
    "guarantee.FundMovement",
    "shared_services.PoolEntry",
    "financing.SubsidyAdvance",
    "financing.EquipmentLoan",
    "insurance.Claim",
    "referrals.Referral",
    "referrals.Consent",
    "federation_api.PartnerApiKey",
]
TRIGGER = "audit_row_change"
