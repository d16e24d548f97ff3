"""The ledger's guarantees, enforced by PostgreSQL whoever writes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction

from config.db import connection
from config.errors import PlatformError
from tenants.ledger import errors
from tenants.ledger.models import AccountKind, EntryKind, JournalEntry, JournalLine, OutboxEvent
from tenants.ledger.selectors import trial_balance
from tenants.ledger.services import Posting, account, entry_post, entry_reverse

from .. import factories

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


def _check_deferred_now() -> None:
    """Run the deferred (at-commit) checks now, inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _bank_to_vat(amount: str, currency: str = "EUR") -> JournalEntry:
    return entry_post(
        kind=EntryKind.CLIENT_PAYMENT,
        on=DAY,
        description="test",
        source="test:1",
        postings=[
            Posting(account(AccountKind.BANK), Decimal(amount), currency),
            Posting(account(AccountKind.VAT_PAYABLE), -Decimal(amount), currency),
        ],
    )


def test_an_entry_balances_per_currency_and_writes_its_outbox_event(in_books_eur):
    entry = _bank_to_vat("10.00")
    assert [(line.account.kind, line.amount) for line in entry.lines.select_related("account")] == [
        ("bank", Decimal("10.00")),
        ("vat_payable", Decimal("-10.00")),
    ]
    event = OutboxEvent.objects.get()
    assert event.payload["entry"] == str(entry.public_id)
    assert event.payload["lines"][0] == {
        "account_kind": "bank",
        "amount": "10.00",
        "currency": "EUR",
        "activity": None,
        "activity_stage": None,
    }
    assert trial_balance() == {"EUR": {"1000": Decimal("10.00"), "2100": Decimal("-10.00")}}


def test_an_unbalanced_entry_is_refused_before_writing(in_books_eur):
    with pytest.raises(PlatformError) as refused:
        entry_post(
            kind=EntryKind.CLIENT_PAYMENT,
            on=DAY,
            description="x",
            source="test",
            postings=[
                Posting(account(AccountKind.BANK), Decimal("10.00"), "EUR"),
                Posting(account(AccountKind.VAT_PAYABLE), Decimal("-9.99"), "EUR"),
            ],
        )
    assert refused.value.code == errors.UNBALANCED
    assert refused.value.details == {"currency": "EUR", "off_by": "0.01"}
    # Balanced overall but not per currency: refused too.
    with pytest.raises(PlatformError):
        entry_post(
            kind=EntryKind.CLIENT_PAYMENT,
            on=DAY,
            description="x",
            source="test",
            postings=[
                Posting(account(AccountKind.BANK), Decimal("10.00"), "EUR"),
                Posting(account(AccountKind.VAT_PAYABLE), Decimal("-10.00"), "SEK"),
            ],
        )
    assert JournalEntry.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_the_database_refuses_an_unbalanced_entry_at_commit(in_books_eur):
    bank, vat = account(AccountKind.BANK), account(AccountKind.VAT_PAYABLE)
    with pytest.raises(DatabaseError, match="does not balance in EUR: off by 0.01"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO ledger_journalentry (public_id, kind, date, posted_at, description, source, posted_by) "
                "VALUES (gen_random_uuid(), 'client_payment', '2026-03-02', now(), 'raw', 'raw', '') RETURNING id"
            )
            entry_id = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO ledger_journalline (entry_id, account_id, amount, currency, memo) VALUES "
                "(%s, %s, 10.00, 'EUR', ''), (%s, %s, -9.99, 'EUR', '')",
                [entry_id, bank.pk, entry_id, vat.pk],
            )
        _check_deferred_now()
    with pytest.raises(DatabaseError, match="needs at least two"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO ledger_journalentry (public_id, kind, date, posted_at, description, source, posted_by) "
                "VALUES (gen_random_uuid(), 'client_payment', '2026-03-02', now(), 'raw', 'raw', '')"
            )
        _check_deferred_now()
    assert JournalEntry.objects.count() == 0


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_journalline SET amount = amount * 2",
        "UPDATE ledger_journalentry SET description = 'edited'",
        "DELETE FROM ledger_journalline",
        "DELETE FROM ledger_journalentry",
        "TRUNCATE ledger_journalline CASCADE",
        "TRUNCATE ledger_journalentry CASCADE",
    ],
)
def test_a_posted_entry_cannot_be_changed_even_by_raw_sql(in_books_eur, sql):
    entry = _bank_to_vat("10.00")
    _check_deferred_now()
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert list(JournalLine.objects.filter(entry=entry).values_list("amount", flat=True)) == [
        Decimal("10.00"),
        Decimal("-10.00"),
    ]
    assert JournalEntry.objects.get().description == "test"


def test_a_reversal_mirrors_the_entry_once(in_books_eur):
    entry = _bank_to_vat("10.00")
    reversal = entry_reverse(entry=entry, reason="typo", on=DAY)
    assert reversal.reverses == entry
    assert sorted(reversal.lines.values_list("amount", flat=True)) == [Decimal("-10.00"), Decimal("10.00")]
    assert trial_balance() == {"EUR": {"1000": Decimal("0.00"), "2100": Decimal("0.00")}}
    with pytest.raises(PlatformError) as refused:
        entry_reverse(entry=entry, reason="again", on=DAY)
    assert refused.value.code == errors.ALREADY_REVERSED
    assert JournalEntry.objects.count() == 2


def test_money_can_leave_an_activity_only_three_ways(in_books_eur):
    activity = factories.activity()
    with pytest.raises(PlatformError) as refused:
        entry_post(
            kind=EntryKind.CLIENT_PAYMENT,
            on=DAY,
            description="a dividend, say",
            source="test",
            postings=[
                Posting(activity.account, Decimal("5.00"), "EUR", activity.pk),
                Posting(account(AccountKind.BANK), Decimal("-5.00"), "EUR", activity.pk),
            ],
        )
    assert refused.value.code == errors.FORBIDDEN_OUTFLOW
    assert JournalEntry.objects.count() == 0


def test_floats_never_reach_the_ledger(in_books_eur):
    with pytest.raises(PlatformError) as refused:
        entry_post(
            kind=EntryKind.CLIENT_PAYMENT,
            on=DAY,
            description="x",
            source="t",
            postings=[
                Posting(account(AccountKind.BANK), 0.1, "EUR"),  # type: ignore[arg-type]
                Posting(account(AccountKind.VAT_PAYABLE), Decimal("-0.1"), "EUR"),
            ],
        )
    assert refused.value.code == errors.NOT_DECIMAL
