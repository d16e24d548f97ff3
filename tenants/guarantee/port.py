"""What the salary guarantee fund (public schema) may ask of an entity, run inside the entity's schema.

Typed functions over public UUIDs returning frozen dataclasses; the fund never touches the entity's
models itself. The money functions post to the entity's ledger and are called by the fund inside the
same database transaction as its own pooled-ledger entry (whose idempotency key is unique), so the
two sides move together or not at all.

An activity's *cash* is what it could pay today from money actually received:

    cash = ledger balance (income credited minus every signed cost)
         - income not yet collected (the activity's share of what clients and funders still owe)
         + commitments not yet paid (signed wages, fees, author's rights, approved expense refunds)
         + advances of the fund still outstanding

A wage due while the client has not paid finds cash short; the fund advances the difference.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from config.db import connection
from tenants.activities.models import Activity
from tenants.billing.models import FUNDING_KINDS, Invoice, InvoiceKind, InvoiceStatus, Payment
from tenants.billing.services import document_due, payment_record
from tenants.declarations.models import Declaration
from tenants.ledger.models import Account, AccountKind, EntryKind, JournalLine
from tenants.ledger.money import round_amount
from tenants.ledger.services import Posting, account, entry_post
from tenants.payroll.models import Contract, ContractStatus
from tenants.payroll.services import contract_pay

from .models import DunningStep

_COMMITMENTS = (AccountKind.WAGES_PAYABLE, AccountKind.AUTHORS_RIGHTS_PAYABLE, AccountKind.MEMBER_PAYABLE)


@dataclass(frozen=True)
class WageFacts:
    contract_id: uuid.UUID
    kind: str
    member_name: str
    activity_id: uuid.UUID
    activity_name: str
    currency: str
    cost: Decimal  # what paying the contract takes (employer cost)
    performed_to: datetime.date
    country: str
    paid: bool
    paid_on: datetime.date | None
    client_id: uuid.UUID | None  # the client of the declaration the contract came from, if any
    client_name: str
    invoice_id: uuid.UUID | None
    invoice_number: str


@dataclass(frozen=True)
class InvoiceFacts:
    invoice_id: uuid.UUID
    number: str
    kind: str
    activity_id: uuid.UUID
    activity_name: str
    client_id: uuid.UUID
    client_name: str
    currency: str
    issue_date: datetime.date | None
    due_date: datetime.date | None
    total_gross: Decimal
    due: Decimal  # what the client still owes
    status: str
    steps: tuple[str, ...]  # dunning steps reached
    lines: tuple[str, ...]  # the lines' descriptions


def _wage(contract: Contract) -> WageFacts:
    declaration = Declaration.objects.filter(contracts=contract).select_related("invoice__client").first()
    invoice = declaration.invoice if declaration else None
    return WageFacts(
        contract_id=contract.public_id,
        kind=contract.kind,
        member_name=contract.member.display_name,
        activity_id=contract.activity.public_id,
        activity_name=contract.activity.name,
        currency=contract.currency,
        cost=contract.employer_cost,
        performed_to=contract.ends_on,
        country=contract.country,
        paid=contract.status == ContractStatus.PAID,
        paid_on=contract.paid_on,
        client_id=invoice.client.public_id if invoice else None,
        client_name=invoice.client_name if invoice else "",
        invoice_id=invoice.public_id if invoice else None,
        invoice_number=invoice.number if invoice else "",
    )


class NotFound(LookupError):
    """No such record in this entity."""


def wage_facts(contract_id: uuid.UUID) -> WageFacts:
    contract = Contract.objects.select_related("member", "activity").filter(public_id=contract_id).first()
    if contract is None:
        raise NotFound(contract_id)
    return _wage(contract)


def wages(*, unpaid_only: bool = False, performed_until: datetime.date | None = None) -> list[WageFacts]:
    contracts = Contract.objects.select_related("member", "activity").order_by("ends_on", "id")
    if unpaid_only:
        contracts = contracts.filter(status=ContractStatus.SIGNED)
    if performed_until is not None:
        contracts = contracts.filter(ends_on__lte=performed_until)
    return [_wage(contract) for contract in contracts]


def _activity(activity_id: uuid.UUID) -> Activity:
    return Activity.objects.get(public_id=activity_id)


def _dimension_total(activity_pk: int, currency: str, kinds: tuple[str, ...]) -> Decimal:
    lines = JournalLine.objects.filter(account__kind__in=kinds, activity_id=activity_pk, currency=currency)
    return lines.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def advance_outstanding(activity_id: uuid.UUID, currency: str) -> Decimal:
    """What the activity still owes the fund (credit balance of its advances account)."""
    activity = _activity(activity_id)
    return -_dimension_total(activity.pk, currency, (AccountKind.GUARANTEE_ADVANCE_PAYABLE,))


_CASH_SQL = """
WITH totals AS (
    SELECT COALESCE(sum(l.amount) FILTER (WHERE a.kind = %(activity_kind)s AND a.activity_id = %(activity)s), 0),
           COALESCE(sum(l.amount) FILTER (WHERE a.kind = ANY(%(commitments)s) AND l.activity_id = %(activity)s), 0),
           COALESCE(sum(l.amount) FILTER (WHERE a.kind = %(advances)s AND l.activity_id = %(activity)s), 0)
    FROM {line} l JOIN {account} a ON a.id = l.account_id
    WHERE l.currency = %(currency)s AND (a.activity_id = %(activity)s OR l.activity_id = %(activity)s)
), documents AS (
    SELECT i.total_gross, i.total_net, i.levy_amount,
           i.total_gross
             - COALESCE((SELECT sum(c.total_gross) FROM {invoice} c WHERE c.credit_of_id = i.id), 0)
             - COALESCE((SELECT sum(p.amount) FROM {payment} p WHERE p.invoice_id = i.id), 0)
    FROM {invoice} i
    WHERE i.activity_id = %(activity)s AND i.currency = %(currency)s AND i.kind = ANY(%(kinds)s)
      AND i.status = ANY(%(statuses)s)
)
SELECT t.*, d.* FROM totals t LEFT JOIN documents d ON true
"""


def activity_cash(activity_id: uuid.UUID, currency: str) -> Decimal:
    """What the activity can pay now: its balance, minus the income of its documents the clients have
    not paid yet, plus what it owes its members (already counted out of the balance) and the fund's
    advances outstanding.

    Read in ONE statement, so in one snapshot: read in several, a declaration or a payment of the
    activity committing in between would be half seen (its invoice without its postings), and the
    cash that decides a guarantee advance (and its execution) would be wrong."""
    activity = _activity(activity_id)
    sql = _CASH_SQL.format(
        line=JournalLine._meta.db_table,
        account=Account._meta.db_table,
        invoice=Invoice._meta.db_table,
        payment=Payment._meta.db_table,
    )
    params = {
        "activity": activity.pk,
        "currency": currency,
        "activity_kind": AccountKind.ACTIVITY,
        "commitments": list(_COMMITMENTS),
        "advances": AccountKind.GUARANTEE_ADVANCE_PAYABLE,
        "kinds": [InvoiceKind.INVOICE, *FUNDING_KINDS],
        "statuses": [InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    activity_total, commitments, advances = rows[0][:3]
    uncollected = Decimal(0)
    for *_, gross, net, levy, due in rows:
        if gross is not None and due > 0 and gross > 0:
            uncollected += due * (net - levy) / gross
    cash = -activity_total - uncollected - commitments - advances
    return round_amount(cash, currency)


def wage_pay(*, contract_id: uuid.UUID, on: datetime.date, advance: Decimal, reference: str, by: str = "") -> bool:
    """Pay the contract, receiving ``advance`` from the fund first when it is positive. Returns False
    (and changes nothing) when the contract was already paid."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().select_related("member", "activity").get(public_id=contract_id)
        if contract.status == ContractStatus.PAID:
            return False
        if advance > 0:
            currency = contract.currency
            entry_post(
                kind=EntryKind.GUARANTEE_ADVANCE,
                on=on,
                description=f"{contract.member.display_name} {contract.starts_on:%Y-%m-%d}",
                source=reference,
                posted_by=by,
                postings=[
                    Posting(account(AccountKind.BANK), advance, currency, contract.activity_id),
                    Posting(account(AccountKind.GUARANTEE_ADVANCE_PAYABLE), -advance, currency, contract.activity_id),
                ],
            )
        contract_pay(contract=contract, on=on, by=by)
    return True


def advance_repay(
    *, activity_id: uuid.UUID, amount: Decimal, currency: str, on: datetime.date, reference: str, by: str = ""
) -> None:
    activity = _activity(activity_id)
    entry_post(
        kind=EntryKind.GUARANTEE_REPAYMENT,
        on=on,
        description=activity.name,
        source=reference,
        posted_by=by,
        postings=[
            Posting(account(AccountKind.GUARANTEE_ADVANCE_PAYABLE), amount, currency, activity.pk),
            Posting(account(AccountKind.BANK), -amount, currency, activity.pk),
        ],
    )


def _invoice(doc: Invoice) -> InvoiceFacts:
    return InvoiceFacts(
        invoice_id=doc.public_id,
        number=doc.number,
        kind=doc.kind,
        activity_id=doc.activity.public_id,
        activity_name=doc.activity.name,
        client_id=doc.client.public_id,
        client_name=doc.client_name,
        currency=doc.currency,
        issue_date=doc.issue_date,
        due_date=doc.due_date,
        total_gross=doc.total_gross,
        due=document_due(doc),
        status=doc.status,
        steps=tuple(step.step for step in doc.dunning_steps.all()),
        lines=tuple(line.description for line in doc.lines.all()),
    )


def invoice_facts(invoice_id: uuid.UUID) -> InvoiceFacts:
    invoice = Invoice.objects.select_related("activity", "client").filter(public_id=invoice_id).first()
    if invoice is None:
        raise NotFound(invoice_id)
    return _invoice(invoice)


def invoices(*, unpaid_only: bool = False, overdue_on: datetime.date | None = None) -> list[InvoiceFacts]:
    """Issued client invoices (the fund guarantees confirmed orders, not funding agreements)."""
    documents = (
        Invoice.objects.filter(kind=InvoiceKind.INVOICE)
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("activity", "client")
        .prefetch_related("dunning_steps", "lines")
        .order_by("due_date", "id")
    )
    if unpaid_only:
        documents = documents.filter(status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID])
    if overdue_on is not None:
        documents = documents.filter(due_date__lt=overdue_on)
    return [_invoice(doc) for doc in documents]


def dunning_step_reach(*, invoice_id: uuid.UUID, step: str, on: datetime.date) -> bool:
    """Record that the invoice reached ``step`` (True), or nothing if it already had (False)."""
    invoice = Invoice.objects.get(public_id=invoice_id)
    _, created = DunningStep.objects.get_or_create(invoice=invoice, step=step, defaults={"reached_on": on})
    return created


def invoice_cover(*, invoice_id: uuid.UUID, amount: Decimal, on: datetime.date, reference: str, by: str = "") -> None:
    """The fund pays what the client still owes on the invoice (recorded as a payment by the fund)."""
    invoice = Invoice.objects.get(public_id=invoice_id)
    payment_record(
        invoice=invoice,
        amount=amount,
        currency=invoice.currency,
        on=on,
        reference=reference,
        by=by,
        covered_by_fund=True,
    )


def levy_between(start: datetime.date, end: datetime.date) -> dict[str, Decimal]:
    """The single percentage earned in the period, per currency (levies minus levies given back)."""
    rows = (
        JournalLine.objects.filter(account__kind=AccountKind.LEVY_INCOME, entry__date__gte=start, entry__date__lte=end)
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    return {row["currency"]: -row["total"] for row in rows if row["total"]}


def contribution_pay(*, amount: Decimal, currency: str, on: datetime.date, reference: str, by: str = "") -> None:
    entry_post(
        kind=EntryKind.FUND_CONTRIBUTION,
        on=on,
        description=reference,
        source=reference,
        posted_by=by,
        postings=[
            Posting(account(AccountKind.GUARANTEE_FUND_CONTRIBUTION), amount, currency),
            Posting(account(AccountKind.BANK), -amount, currency),
        ],
    )


def activity_name(activity_id: uuid.UUID) -> str:
    return _activity(activity_id).name
