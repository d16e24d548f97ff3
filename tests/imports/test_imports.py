"""Bulk import of an entity's existing data: all or nothing, exact books, a CSV round trip."""

from __future__ import annotations

import copy
import datetime
import io
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django_tenants.utils import tenant_context

from config.db import connection
from config.errors import PlatformError
from tenants.activities.models import Activity, ActivityMember, StageChange
from tenants.activities.services import activity_create
from tenants.billing.models import Client, Invoice, InvoiceLine, Payment
from tenants.billing.services import LineInput, client_create, document_create, document_issue, payment_record
from tenants.imports import ImportRejected, csv_text, entity_data_import
from tenants.ledger.models import JournalEntry, JournalLine, OutboxEvent
from tenants.ledger.selectors import activity_balances, trial_balance
from tenants.members.models import Member
from tenants.members.services import member_create
from tenants.registry.models import Person

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 30)

MEMBERS = csv_text(
    ["kind", "category", "first_name", "last_name", "birth_date", "email", "languages", "iban", "company_number",
     "country"],
    [
        ["natural", "natural_user", "Amélie", "Peeters", "1988-04-12", "amelie@example.test", "fr nl",
         "BE71 0961 2345 6769", "", "BE"],
        ["legal", "legal_user", "", "Atelier Lumen SRL", "", "lumen@example.test", "fr", "", "BE 0403.170.701", "BE"],
        ["natural", "permanent_worker", "Jonas", "Maes", "1979-11-02", "", "nl|en", "", "", ""],
    ],
)  # fmt: skip
CLIENTS = csv_text(
    ["name", "country", "is_funder", "vat_number", "email"],
    [
        ["Théâtre de la Colline", "BE", "no", "BE0403170701", "billing@colline.test"],
        ["Fonds régional", "BE", "yes", "", ""],
        ["Galerie Nord", "FR", "", "", ""],
    ],
)
INVOICES = csv_text(
    ["activity", "client", "issue_date", "net_amount", "vat_rate", "currency", "paid_amount", "kind", "paid_on",
     "activity_holder", "reference", "description"],
    [
        ["Compagnie du Fil", "Théâtre de la Colline", "2026-02-10", "1000.00", "21", "EUR", "1210.00", "", "2026-03-01",
         "amelie@example.test", "F-17", "Performance"],
        ["Compagnie du Fil", "Galerie Nord", "2026-01-20", "234.56", "6", "EUR", "100.00", "invoice", "", "", "", ""],
        ["Compagnie du Fil", "Fonds régional", "2026-03-05", "5000", "0", "EUR", "0", "grant", "", "", "", ""],
        ["Studio Lumen", "Théâtre de la Colline", "2025-12-30", "800.10", "12", "EUR", "0", "", "",
         "LUMEN@example.test", "", "Poster series"],
    ],
)  # fmt: skip


def _import(entity, members=MEMBERS, clients=CLIENTS, invoices=INVOICES, **kwargs):
    return entity_data_import(
        entity=entity,
        members=StringIO(members) if members is not None else None,
        clients=StringIO(clients) if clients is not None else None,
        invoices=StringIO(invoices) if invoices is not None else None,
        today=TODAY,
        **kwargs,
    )


def _check_deferred_now() -> None:
    """Run the commit-time checks (the ledger's balance per entry) now, inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _counts():
    return (
        Member.objects.count(),
        Client.objects.count(),
        Activity.objects.count(),
        Invoice.objects.count(),
        Payment.objects.count(),
        JournalEntry.objects.count(),
        OutboxEvent.objects.count(),
        Person.objects.count(),
    )


def test_one_bad_row_refuses_everything_with_file_line_and_code(in_books_eur):
    members = MEMBERS + "natural,partner,Lotte,Claes,,,,BE71 0961 2345 6768,,\n"  # line 5: bad IBAN check digits
    members += "natural,partner,Jonas,Maes,1979-11-02,,,,,\n"  # line 6: the person of line 4 again
    invoices = INVOICES.replace("2026-01-20,234.56,6,", "2026-01-20,234.56,7,")  # line 3: no 7 % VAT in Belgium
    invoices += "Compagnie du Fil,Nobody,2026-02-01,10,21,EUR,0,,,,,\n"  # line 6: unknown client
    invoices += "Compagnie du Fil,Galerie Nord,2026-02-01,10,21,SEK,0,,,,,\n"  # line 7: not the activity's currency
    invoices += "Compagnie du Fil,Galerie Nord,2026-02-01,10.005,21,EUR,0,,,,,\n"  # line 8: a tenth of a cent
    invoices += "Compagnie du Fil,Galerie Nord,2026-02-01,100,21,EUR,121.01,,,,,\n"  # line 9: paid > total
    invoices += "Compagnie du Fil,Galerie Nord,2026-12-01,100,21,EUR,0,,,,,\n"  # line 10: in the future
    invoices += "Nouvelle activité,Galerie Nord,2026-02-01,100,21,EUR,0,,,,,\n"  # line 11: no holder to create it
    invoices += "Compagnie du Fil,Galerie Nord,2026-02-01,100,21,EUR,0,sponsorship,,,,\n"  # line 12: not a funder
    before = _counts()
    with pytest.raises(ImportRejected) as rejected:
        _import(in_books_eur, members=members, invoices=invoices)
    found = [(e.file, e.line, e.code, e.field) for e in rejected.value.errors]
    assert found == [
        ("invoices.csv", 3, "billing_vat_rate_invalid", "vat_rate"),
        ("invoices.csv", 6, "import_client_unknown", "client"),
        ("invoices.csv", 7, "billing_currency_mismatch", "currency"),
        ("invoices.csv", 8, "import_amount_precision", "net_amount"),
        ("invoices.csv", 9, "import_paid_exceeds_total", "paid_amount"),
        ("invoices.csv", 10, "import_date_in_future", "issue_date"),
        ("invoices.csv", 11, "import_activity_unknown", "activity"),
        ("invoices.csv", 12, "billing_funding_needs_funder", "client"),
        ("members.csv", 5, "member_iban_invalid", "iban"),
        ("members.csv", 6, "import_duplicate_row", "last_name"),
    ]
    message = str(rejected.value.message)
    assert "10 error(s)" in message and "invoices.csv line 3: billing_vat_rate_invalid (vat_rate)" in message
    assert rejected.value.code == "import_rejected"
    assert rejected.value.as_dict()["details"]["errors"][0]["line"] == 3
    assert _counts() == before  # nothing written, not even in the group's person registry


def test_columns_are_checked_before_any_row(in_books_eur):
    with pytest.raises(ImportRejected) as rejected:
        _import(in_books_eur, members=None, invoices=None, clients="name,contry\nAcme,BE\n")
    assert [(e.line, e.code, e.field) for e in rejected.value.errors] == [
        (1, "import_column_unknown", "contry"),
        (1, "import_column_missing", "country"),
        (2, "import_value_required", "country"),
    ]


def test_a_person_already_member_is_refused_and_a_known_person_is_matched(in_books_eur, group):
    with tenant_context(group.books_huf):  # Jonas Maes is already known to the group, as a member elsewhere
        elsewhere = member_create(
            kind="natural",
            category="partner",
            first_name="Jonas",
            last_name="Maes",
            birth_date=datetime.date(1979, 11, 2),
        )
    result = _import(in_books_eur, invoices=None)
    assert result.members == 3
    assert Member.objects.get(last_name="Maes").person_id == elsewhere.person_id
    with pytest.raises(ImportRejected) as rejected:
        _import(in_books_eur, clients=None, invoices=None)
    assert {(e.line, e.code) for e in rejected.value.errors} == {
        (2, "member_already_exists"),
        (3, "member_already_exists"),
        (4, "member_already_exists"),
    }


def test_imported_books_are_exact_and_the_same_as_the_services_would_keep(in_books_eur):
    # What the services make of the same documents, in a savepoint rolled back afterwards.
    with transaction.atomic():
        expected_balance, expected_activities = _same_documents_through_the_services()
        transaction.set_rollback(True)
    assert Invoice.objects.count() == 0

    result = _import(in_books_eur, by="alice")
    _check_deferred_now()
    assert (result.members, result.clients, result.activities, result.invoices, result.payments) == (3, 3, 2, 4, 2)
    assert result.entries == 6 == OutboxEvent.objects.count() == JournalEntry.objects.count()

    # Numbered in issue-date order in the entity's sequences, with the status the payments give.
    documents = list(
        Invoice.objects.order_by("issue_date").values_list(
            "number", "kind", "status", "total_net", "total_vat", "total_gross", "levy_amount", "due_date"
        )
    )
    assert documents == [
        ("INV2025-000001", "invoice", "issued", Decimal("800.10"), Decimal("96.01"), Decimal("896.11"),
         Decimal("52.01"), datetime.date(2026, 1, 29)),
        ("INV2026-000001", "invoice", "partly_paid", Decimal("234.56"), Decimal("14.07"), Decimal("248.63"),
         Decimal("15.25"), datetime.date(2026, 2, 19)),
        ("INV2026-000002", "invoice", "paid", Decimal("1000.00"), Decimal("210.00"), Decimal("1210.00"),
         Decimal("65.00"), datetime.date(2026, 3, 12)),
        ("FA2026-000001", "grant", "issued", Decimal("5000.00"), Decimal("0.00"), Decimal("5000.00"),
         Decimal("325.00"), datetime.date(2026, 4, 4)),
    ]  # fmt: skip
    assert InvoiceLine.objects.get(invoice__number="INV2026-000002").description == "Performance (F-17)"
    assert _named_trial_balance() == expected_balance
    assert _named_trial_balance()["EUR"] == {
        "1000": Decimal("1310.00"),  # bank: 1210 + 100
        "1100": Decimal("1044.74"),  # client receivables: 896.11 + 248.63 + 1210 - 1310
        "1150": Decimal("5000.00"),  # funder receivables
        "2100": Decimal("-320.08"),  # VAT
        "7000": Decimal("-457.26"),  # levy: 52.01 + 15.25 + 65.00 + 325.00
        "Compagnie du Fil": Decimal("-5829.31"),  # the activities' accounts
        "Studio Lumen": Decimal("-748.09"),
    }
    assert sum(trial_balance()["EUR"].values()) == 0
    balances = {a.name: activity_balances(a.pk) for a in Activity.objects.all()}
    assert (
        balances
        == expected_activities
        == {
            "Compagnie du Fil": {"EUR": Decimal("5829.31")},
            "Studio Lumen": {"EUR": Decimal("748.09")},
        }
    )
    # New activities: at the start stage since their first invoice, with their holder.
    lumen = Activity.objects.get(name="Studio Lumen")
    assert (lumen.stage, lumen.stage_since, lumen.currency) == ("start", datetime.date(2025, 12, 30), "EUR")
    assert ActivityMember.objects.get(activity=lumen).member.last_name == "Atelier Lumen SRL"
    assert StageChange.objects.filter(activity=lumen, to_stage="start", changed_by="alice").count() == 1
    assert set(JournalEntry.objects.values_list("posted_by", flat=True)) == {"alice"}
    event = OutboxEvent.objects.order_by("id").first()
    assert event is not None and event.payload["lines"][0]["activity_stage"] == "start"


def _same_documents_through_the_services():
    amelie = member_create(kind="natural", category="natural_user", first_name="Amélie", last_name="Peeters")
    lumen = member_create(
        kind="legal", category="legal_user", last_name="Lumen", company_number="0403170701", country="BE"
    )
    fil = activity_create(name="Compagnie du Fil", currency="EUR", holder=amelie, on=datetime.date(2026, 1, 20))
    studio = activity_create(name="Studio Lumen", currency="EUR", holder=lumen, on=datetime.date(2025, 12, 30))
    colline = client_create(name="Théâtre de la Colline", country="BE")
    fonds = client_create(name="Fonds régional", country="BE", is_funder=True)
    nord = client_create(name="Galerie Nord", country="FR")

    def issue(kind, activity, client, net, vat, on, paid=None, paid_on=None):
        line = LineInput("x", Decimal(1), Decimal(net), Decimal(vat))
        doc = document_create(kind=kind, activity=activity, client=client, currency="EUR", lines=[line])
        doc = document_issue(invoice=doc, on=on)
        if paid:
            payment_record(invoice=doc, amount=Decimal(paid), currency="EUR", on=paid_on or on)

    issue("invoice", studio, colline, "800.10", "12", datetime.date(2025, 12, 30))
    issue("invoice", fil, nord, "234.56", "6", datetime.date(2026, 1, 20), "100.00")
    issue("invoice", fil, colline, "1000.00", "21", datetime.date(2026, 2, 10), "1210.00", datetime.date(2026, 3, 1))
    issue("grant", fil, fonds, "5000", "0", datetime.date(2026, 3, 5))
    return _named_trial_balance(), {a.name: activity_balances(a.pk) for a in (fil, studio)}


def _named_trial_balance():
    """The trial balance with each activity's account named by its activity (ids differ between runs)."""
    codes = {f"A{a.pk:07d}": a.name for a in Activity.objects.all()}
    return {
        currency: {codes.get(code, code): amount for code, amount in accounts.items()}
        for currency, accounts in trial_balance().items()
    }


def test_forints_are_whole_and_hungarian_rates_apply(in_books_huf):
    clients = "name,country\nBudapest Kft,HU\n"
    members = "kind,category,first_name,last_name,email\nnatural,natural_user,Anna,Nagy,anna@example.test\n"
    invoices = (
        "activity,client,issue_date,net_amount,vat_rate,currency,paid_amount,activity_holder\n"
        "Színház,Budapest Kft,2026-02-01,100000,27,HUF,127000,anna@example.test\n"
        "Színház,Budapest Kft,2026-02-02,1000.50,27,HUF,0,\n"
        "Színház,Budapest Kft,2026-02-03,1000,21,HUF,0,\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        _import(in_books_huf, members=members, clients=clients, invoices=invoices)
    assert [(e.line, e.code) for e in rejected.value.errors] == [
        (3, "import_amount_precision"),
        (4, "billing_vat_rate_invalid"),
    ]
    result = _import(in_books_huf, members=members, clients=clients, invoices="\n".join(invoices.splitlines()[:2]))
    _check_deferred_now()
    assert result.invoices == 1
    invoice = Invoice.objects.get()
    assert (invoice.status, invoice.total_vat, invoice.levy_amount) == ("paid", Decimal(27000), Decimal(6500))
    assert sum(trial_balance()["HUF"].values()) == 0


def test_unreadable_files_and_overlong_values_are_refused_too(in_books_eur, tmp_path):
    latin1 = tmp_path / "clients.csv"
    latin1.write_bytes("name,country\nCafé Noir,BE\n".encode("latin-1"))
    with pytest.raises(ImportRejected) as rejected:
        entity_data_import(entity=in_books_eur, clients=latin1, today=TODAY)
    assert [e.code for e in rejected.value.errors] == ["import_file_unreadable"]
    clients = f"name,country\n{'x' * 201},BE\nFine,BE\n"
    invoices = "activity,client,issue_date,net_amount,vat_rate,currency,paid_amount\nA,Fine,2026-01-01,1e16,21,EUR,0\n"
    with pytest.raises(ImportRejected) as rejected:
        _import(in_books_eur, members=None, clients=clients, invoices=invoices)
    assert [(e.file, e.line, e.code, e.field) for e in rejected.value.errors] == [
        ("clients.csv", 2, "import_value_too_long", "name"),
        ("invoices.csv", 2, "import_activity_unknown", "activity"),
    ]
    invoices = invoices.replace("\nA,", "\nCompagnie du Fil,").replace(",0\n", ",0,amelie@example.test\n")
    invoices = invoices.replace("paid_amount", "paid_amount,activity_holder")
    with pytest.raises(ImportRejected) as rejected:
        _import(in_books_eur, clients=clients.replace("x" * 201, "X"), invoices=invoices)
    assert [(e.line, e.code, e.field) for e in rejected.value.errors] == [(2, "import_amount_invalid", "net_amount")]


def test_a_closed_entity_takes_no_import(in_books_eur):
    closed = copy.copy(in_books_eur)
    closed.status = "closed"
    with pytest.raises(PlatformError) as refused:
        _import(closed)
    assert refused.value.code == "import_entity_closed"


def test_csv_round_trip_through_the_command(in_books_eur, tmp_path):
    for name, text in (("members", MEMBERS), ("clients", CLIENTS), ("invoices", INVOICES)):
        (tmp_path / f"{name}.csv").write_text("\ufeff" + text, encoding="utf-8")  # as spreadsheets save it
    files = [f"--{name}={tmp_path / f'{name}.csv'}" for name in ("members", "clients", "invoices")]
    slug = in_books_eur.slug

    dry = io.StringIO()
    call_command("import_entity_data", f"--entity={slug}", *files, "--dry-run", stdout=dry)
    assert "dry run, nothing written" in dry.getvalue() and Member.objects.count() == 0

    out = io.StringIO()
    call_command("import_entity_data", f"--entity={slug}", *files, stdout=out)
    assert "3 members, 3 clients, 2 new activities, 4 invoices, 2 payments, 6 ledger entries" in out.getvalue()
    _check_deferred_now()

    # What went in comes back out.
    members = [
        [m.kind, m.category, m.first_name, m.last_name, m.birth_date.isoformat() if m.birth_date else "", m.email,
         " ".join(m.languages), m.iban, m.company_number]
        for m in Member.objects.order_by("id")
    ]  # fmt: skip
    assert members == [
        ["natural", "natural_user", "Amélie", "Peeters", "1988-04-12", "amelie@example.test", "fr nl",
         "BE71096123456769", ""],
        ["legal", "legal_user", "", "Atelier Lumen SRL", "", "lumen@example.test", "fr", "", "0403170701"],
        ["natural", "permanent_worker", "Jonas", "Maes", "1979-11-02", "", "nl en", "", ""],
    ]  # fmt: skip
    clients = list(Client.objects.order_by("id").values_list("name", "country", "is_funder", "vat_number", "email"))
    assert clients == [
        ("Théâtre de la Colline", "BE", False, "BE0403170701", "billing@colline.test"),
        ("Fonds régional", "BE", True, "", ""),
        ("Galerie Nord", "FR", False, "", ""),
    ]
    paid = {p.invoice_id: (p.amount, p.received_on) for p in Payment.objects.all()}
    invoices = [
        [i.activity.name, i.client_name, i.issue_date.isoformat(), str(i.total_net),
         f"{i.lines.get().vat_rate.normalize():f}", i.currency, str(paid.get(i.pk, (Decimal("0"),))[0]), i.kind]
        for i in Invoice.objects.order_by("id")
    ]  # fmt: skip
    assert invoices == [
        ["Compagnie du Fil", "Théâtre de la Colline", "2026-02-10", "1000.00", "21", "EUR", "1210.00", "invoice"],
        ["Compagnie du Fil", "Galerie Nord", "2026-01-20", "234.56", "6", "EUR", "100.00", "invoice"],
        ["Compagnie du Fil", "Fonds régional", "2026-03-05", "5000.00", "0", "EUR", "0", "grant"],
        ["Studio Lumen", "Théâtre de la Colline", "2025-12-30", "800.10", "12", "EUR", "0", "invoice"],
    ]
    assert sorted(p[1] for p in paid.values()) == [datetime.date(2026, 1, 20), datetime.date(2026, 3, 1)]

    # A second run is refused as a whole, with the reasons.
    with pytest.raises(CommandError) as refused:
        call_command("import_entity_data", f"--entity={slug}", *files, stdout=io.StringIO())
    assert "members.csv line 2: member_already_exists" in str(refused.value)
    assert "clients.csv line 2: import_client_exists (name)" in str(refused.value)
    assert Invoice.objects.count() == 4


def test_the_command_refuses_unknown_entities_and_missing_files(in_books_eur, tmp_path):
    with pytest.raises(CommandError, match="no entity"):
        call_command("import_entity_data", "--entity=nowhere", f"--members={tmp_path / 'm.csv'}")
    with pytest.raises(CommandError, match="no file"):
        call_command("import_entity_data", f"--entity={in_books_eur.slug}", f"--members={tmp_path / 'm.csv'}")
    with pytest.raises(CommandError, match="at least one"):
        call_command("import_entity_data", f"--entity={in_books_eur.slug}")


def test_the_ledger_bulk_path_refuses_an_unbalanced_entry_before_writing(in_books_eur):
    from tenants.imports import BulkEntry, BulkPosting, entries_post_bulk
    from tenants.ledger.models import AccountKind
    from tenants.ledger.services import account

    good = BulkEntry("client_payment", TODAY, "ok", "test:1", [
        BulkPosting(account(AccountKind.BANK), Decimal("10.00"), "EUR"),
        BulkPosting(account(AccountKind.CLIENT_RECEIVABLE), Decimal("-10.00"), "EUR"),
    ])  # fmt: skip
    bad = BulkEntry("client_payment", TODAY, "off", "test:2", [
        BulkPosting(account(AccountKind.BANK), Decimal("10.00"), "EUR"),
        BulkPosting(account(AccountKind.CLIENT_RECEIVABLE), Decimal("-9.99"), "EUR"),
    ])  # fmt: skip
    with pytest.raises(PlatformError) as refused:
        entries_post_bulk([good, bad])
    assert refused.value.code == "ledger_entry_unbalanced"
    assert JournalLine.objects.count() == 0
    assert entries_post_bulk([good], posted_by="bench") == 1
    _check_deferred_now()
    assert OutboxEvent.objects.get().payload["lines"][0] == {
        "account_kind": "bank",
        "amount": "10.00",
        "currency": "EUR",
        "activity": None,
        "activity_stage": None,
    }
