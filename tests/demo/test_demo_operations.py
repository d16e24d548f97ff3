"""The demo generator of one entity's operations (what ``seed_demo`` runs in every open entity)."""

from __future__ import annotations

import copy
import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import transaction
from stdnum import iban

from tenants.activities.models import STAGE_ORDER, Activity, StageChange
from tenants.billing.models import Expense, Invoice, InvoiceLine, Payment
from tenants.billing.vat import allowed_vat_rates
from tenants.declarations.models import Declaration
from tenants.demo_operations import HISTORY_DAYS, demo_operations_fill
from tenants.ledger.models import JournalLine
from tenants.ledger.selectors import trial_balance
from tenants.members.models import Member
from tenants.payroll.models import Contract

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


def _snapshot() -> dict[str, object]:
    """Everything the generator wrote, without the random ids (UUIDs) of the rows."""
    return {
        "members": list(
            Member.objects.order_by("id").values_list(
                "kind", "category", "first_name", "last_name", "birth_date", "company_number", "email", "iban"
            )
        ),
        "activities": list(Activity.objects.order_by("id").values_list("name", "stage", "stage_since", "currency")),
        "history": list(
            StageChange.objects.order_by("id").values_list(
                "activity__name", "from_stage", "to_stage", "changed_on", "reason"
            )
        ),
        "documents": list(
            Invoice.objects.order_by("id").values_list(
                "kind",
                "number",
                "status",
                "issue_date",
                "currency",
                "total_net",
                "total_vat",
                "levy_amount",
                "client_name",
                "credit_of__number",
            )
        ),
        "lines": list(
            InvoiceLine.objects.order_by("id").values_list("description", "quantity", "unit_price", "vat_rate")
        ),
        "payments": list(Payment.objects.order_by("id").values_list("invoice__number", "amount", "received_on")),
        "contracts": list(
            Contract.objects.order_by("id").values_list("kind", "member__last_name", "gross", "employer_cost", "status")
        ),
        "expenses": list(Expense.objects.order_by("id").values_list("description", "amount", "status", "spent_on")),
        "ledger": list(JournalLine.objects.order_by("id").values_list("entry__kind", "entry__date", "amount")),
    }


def _fill_and_roll_back(entity, **options):
    with transaction.atomic():
        summary = demo_operations_fill(entity, today=TODAY, **options)
        snapshot = _snapshot()
        balance = trial_balance()
        again = demo_operations_fill(entity, today=TODAY, **options)  # idempotent: members exist
        transaction.set_rollback(True)
    assert Member.objects.count() == 0
    return summary, snapshot, balance, again


def test_one_entity_gets_every_kind_of_operation_deterministically(in_books_eur):
    summary, data, balance, again = _fill_and_roll_back(in_books_eur)
    assert summary is not None and again is None
    assert (summary.members, summary.activities) == (12, 9)
    assert 20 <= summary.documents <= 40  # "a few dozen"
    _, second, _, _ = _fill_and_roll_back(in_books_eur)
    assert second == data  # same entity, same day: same data

    # Members: natural and legal persons, several categories, IBANs valid for Belgium.
    members = data["members"]
    assert {m[0] for m in members} == {"natural", "legal"}
    assert {m[1] for m in members} >= {"natural_user", "legal_user", "permanent_worker", "partner", "supplier"}
    assert all(m[7].startswith("BE") and iban.is_valid(m[7]) for m in members)
    assert all(m[5] for m in members if m[0] == "legal")

    # Activities at every stage, each history starting at "idea" and chaining without gaps.
    assert {a[1] for a in data["activities"]} == set(STAGE_ORDER)
    assert {a[3] for a in data["activities"]} == {"EUR"}
    by_activity: dict[str, list[tuple]] = {}
    for name, from_stage, to_stage, on, reason in data["history"]:
        by_activity.setdefault(name, []).append((from_stage, to_stage, on, reason))
    for name, stage, since, _ in data["activities"]:
        moves = by_activity[name]
        assert moves[0][:2] == ("", "idea")
        assert all(prev[1] == nxt[0] and prev[2] <= nxt[2] for prev, nxt in itertools.pairwise(moves))
        assert (moves[-1][1], moves[-1][2]) == (stage, since)
    backwards = [
        m
        for moves in by_activity.values()
        for m in moves
        if m[0] and m[1] and STAGE_ORDER.index(m[1]) < STAGE_ORDER.index(m[0])
    ]
    assert backwards and all(m[3] for m in backwards)

    # Documents in EUR with Belgian VAT rates, dated over the last 18 months, numbered by the service.
    documents = data["documents"]
    kinds = {d[0] for d in documents}
    assert kinds >= {"invoice", "credit_note"} and kinds & {"grant", "sponsorship"}
    assert {d[4] for d in documents} == {"EUR"}
    earliest = TODAY - datetime.timedelta(days=HISTORY_DAYS)
    assert all(earliest <= d[3] <= TODAY for d in documents)
    assert {line[3] for line in data["lines"]} <= allowed_vat_rates("BE")
    assert len({line[3] for line in data["lines"]}) >= 2
    statuses = {d[2] for d in documents if d[0] != "credit_note"}
    assert {"paid", "partly_paid", "issued"} <= statuses
    assert 1 <= sum(1 for d in documents if d[0] == "credit_note") <= 4
    assert Declaration.objects.count() == 0  # rolled back
    # Partial and full payments: some documents got several, none more than due.
    paid: dict[str, int] = {}
    for number, _amount, _on in data["payments"]:
        paid[number] = paid.get(number, 0) + 1
    assert max(paid.values()) >= 2 and min(paid.values()) == 1
    assert all(earliest <= p[2] <= TODAY for p in data["payments"])

    # Contracts of the three kinds, some paid; expenses in every status.
    assert {c[0] for c in data["contracts"]} == {"wage", "fees", "authors_rights"}
    assert {c[4] for c in data["contracts"]} == {"signed", "paid"}
    assert {e[2] for e in data["expenses"]} >= {"submitted", "approved", "refunded"}

    # The books balance.
    assert set(balance) == {"EUR"} and sum(balance["EUR"].values()) == 0


def test_a_forint_entity_gets_whole_forints_and_hungarian_vat(in_books_huf):
    summary, data, balance, _ = _fill_and_roll_back(in_books_huf, seed="huf")
    assert summary is not None
    assert {d[4] for d in data["documents"]} == {"HUF"}
    assert all(d[5] == d[5].to_integral_value() and d[6] == d[6].to_integral_value() for d in data["documents"])
    assert {line[3] for line in data["lines"]} <= allowed_vat_rates("HU")
    assert Decimal(27) in {line[3] for line in data["lines"]}
    assert all(m[7].startswith("HU") and iban.is_valid(m[7]) for m in data["members"])
    assert set(balance) == {"HUF"} and sum(balance["HUF"].values()) == 0


def test_a_closed_entity_is_never_filled(in_books_eur):
    closed = copy.copy(in_books_eur)
    closed.status = "closed"
    assert demo_operations_fill(closed, today=TODAY) is None
    assert Member.objects.count() == 0


def test_scale_multiplies_members_activities_and_documents(in_books_eur):
    two, _, _, _ = _fill_and_roll_back(in_books_eur, scale=2)
    assert two is not None
    assert (two.members, two.activities) == (2 * 12, 2 * 9)  # scale 1: 12 members, 9 activities
    assert two.documents >= 2 * 20
