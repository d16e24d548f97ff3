"""Erasure by pseudonymisation: one person, member of two entities, cooperator, referred to a partner,
party to a legal case, author of a contribution, with canaries in every text field. After the erasure
the whole database (every schema, audit trails, admin logs, files) holds the person's values only in
the records the law keeps, for as long as their country's rule says; every ledger is still balanced;
the audit trail and the books change only through the erasure's controlled path."""

from __future__ import annotations

import datetime
import io
import json
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django_tenants.utils import schema_context, tenant_context

from config.db import connection
from config.errors import PlatformError
from privacy.erasure import erase_person
from privacy.models import Erasure, RetentionRule
from privacy.scan import scan_database
from privacy.tasks import retention_sweep
from tests.conftest import PROJECT_DIR
from tests.governance.helpers import make_cooperator

from .test_privacy import _member

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 27)
RESULTS = PROJECT_DIR / "var" / "results" / "privacy.json"


def _ledger_lines() -> list[tuple[int, int, Decimal, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT entry_id, account_id, amount, currency FROM ledger_journalline ORDER BY id")
        return list(cursor.fetchall())


def _unbalanced() -> list[tuple[str, Decimal]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT currency, sum(amount) FROM ledger_journalline GROUP BY currency HAVING sum(amount) <> 0")
        return list(cursor.fetchall())


def _unbalanced_everywhere() -> list[str]:
    from tenants.registry.models import Entity

    return [e.slug for e in Entity.objects.all() if _in(e, _unbalanced)]


def _in(entity, check):  # type: ignore[no-untyped-def]
    with tenant_context(entity):
        return check()


def record(**figures: object) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    current.update(figures)
    RESULTS.write_text(json.dumps(current, indent=2, sort_keys=True))


def _places(needle: str) -> set[tuple[str, str]]:
    return {(f.schema, f.table) for f in scan_database([needle])}


@pytest.fixture
def person(group):
    """The person, their records in Alpha (BE) and Beta, and in the public schema."""
    from shared_services.legal_aid.models import CaseParty, LegalCase
    from shared_services.referrals.models import Partner
    from shared_services.referrals.services import referral_create
    from tenants.activities.services import activity_create
    from tenants.billing.services import expense_submit
    from tenants.ledger.models import AccountKind, EntryKind
    from tenants.ledger.services import Posting, account, entry_post

    canary = f"ERZ{uuid.uuid4().hex[:8].upper()}"
    alpha, beta = group.alpha.entity, group.beta.entity
    in_alpha = _member(alpha, canary)
    _member(beta, canary)
    person_id = in_alpha.person_id
    name = in_alpha.display_name
    with tenant_context(alpha):
        activity = activity_create(name="Erasure workshop", currency="EUR", holder=in_alpha, on=TODAY)
        for year, tag in ((2015, "OLD"), (2026, "NEW")):
            expense_submit(
                activity=activity,
                member=in_alpha,
                description=f"Receipt {canary}-{tag}EXP",
                amount=Decimal("12.00"),
                currency="EUR",
                on=datetime.date(year, 6, 1),
            )
            entry_post(
                kind=EntryKind.INVOICE_ISSUED,
                on=datetime.date(year, 6, 30),
                description=f"{name} {year}-06-30",
                source="test",
                postings=[
                    Posting(account(AccountKind.CLIENT_RECEIVABLE), Decimal("100.00"), "EUR"),
                    Posting(account(AccountKind.LEVY_INCOME), Decimal("-100.00"), "EUR"),
                ],
            )
        referral_create(
            partner=Partner.objects.get(slug="coopcity"),
            member_id=in_alpha.public_id,
            project=f"{canary} referral project",
            consent_fields=["name", "project"],
            consent_given=True,
            by="test",
        )
    cooperator = make_cooperator(
        person_id, shares=3, entity=alpha, name=f"Coop {canary}", email=f"coop.{canary.lower()}@erase.test"
    )
    from governance.models import Contribution

    Contribution.objects.create(
        theme="other", author=cooperator, text=f"My idea {canary} contribution", received_on=TODAY
    )
    case = LegalCase.objects.create(
        reference=f"L-{canary[-8:]}",
        entity=alpha,
        kind="advice",
        area="contract",
        status="closed",
        opened_on=datetime.date(2017, 3, 1),
        closed_on=datetime.date(2018, 5, 1),
        request=f"Request {canary} legal",
    )
    CaseParty.objects.create(case=case, member_id=in_alpha.public_id, name=f"Party {canary}", role="member")
    return {"canary": canary, "person_id": person_id, "name": name, "alpha": alpha, "beta": beta, "coop": cooperator}


def test_an_erasure_keeps_only_what_the_law_requires_and_the_scan_finds_the_person_nowhere_else(group, person):
    canary, alpha, beta = person["canary"], person["alpha"], person["beta"]
    others = [c for persona in group.all for c in persona.canaries]
    others_before = sorted((f.schema, f.table, f.pk) for f in scan_database(others))
    with tenant_context(alpha):
        lines_before = _ledger_lines()

    erasure = erase_person(
        person_id=person["person_id"], by="dpo@smart.coop", reason="request of 2026-11-20", today=TODAY
    )

    assert erasure.status == "done" and erasure.finished_at
    scan = erasure.summary["scan"]
    assert scan["values_searched"] >= 8 and scan["found_elsewhere"] == 0 and scan["found_in_retained_records"] > 0
    # Contact data, referral, consent snapshot, contribution, the expired legal case and the expired
    # expense: nowhere in the database any more (audit trails and admin logs included).
    for gone in (
        f"{canary.lower()}@subject.test",
        f"{canary} street 1",
        f"coop.{canary.lower()}@erase.test",
        f"{canary} referral project",
        f"My idea {canary}",
        f"Request {canary}",
        f"Party {canary}",
        f"{canary}-OLDEXP",
    ):
        assert not _places(gone), (gone, _places(gone))
    # The name stays only in Alpha, where the law keeps it: the member of a recent expense and a recent
    # ledger entry (and those rows' audit records). Beta has nothing left to keep: pseudonymised.
    assert _places(f"Access{canary}") == {
        (alpha.schema_name, "members_member"),
        (alpha.schema_name, "ledger_journalentry"),
        (alpha.schema_name, "audit_auditrecord"),
    }
    assert _places(f"{canary}-NEWEXP") == {
        (alpha.schema_name, "billing_expense"),
        (alpha.schema_name, "audit_auditrecord"),
    }
    # The register of cooperators keeps the name for as long as the cooperative (not the e-mail).
    assert _places(f"Coop {canary}") <= {("public", "governance_cooperator"), ("public", "audit_auditrecord")}
    from governance.models import Cooperator, ShareTransaction
    from tenants.ledger.models import JournalEntry
    from tenants.members.models import Member
    from tenants.registry.models import Person

    coop = Cooperator.objects.get(pk=person["coop"].pk)
    assert coop.display_name == f"Coop {canary}" and coop.email == ""
    assert ShareTransaction.objects.filter(to_cooperator=coop).count() == 1
    assert Person.objects.get(person_id=person["person_id"]).match_key.startswith("erased-")
    with tenant_context(beta):
        assert Member.objects.get(person_id=person["person_id"]).last_name == erasure.pseudonym
    with tenant_context(alpha):
        member = Member.objects.get(person_id=person["person_id"])
        assert member.last_name == f"Access{canary}" and member.email == "" and member.address == ""
        # The books: the old entry's description pseudonymised, amounts and lines untouched, balanced.
        old = JournalEntry.objects.get(date=datetime.date(2015, 6, 30), description__contains=erasure.pseudonym)
        assert person["name"] not in old.description
        assert _ledger_lines() == lines_before and _unbalanced() == []
        # The erasure's own audit records carry no old values.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT before, actor FROM audit_auditrecord WHERE table_name = 'members_member' AND row_pk = %s "
                "ORDER BY id DESC LIMIT 1",
                [str(member.pk)],
            )
            before, actor = cursor.fetchone()
        assert before is None and actor == f"privacy:erasure {erasure.pk} by dpo@smart.coop"
    kept = {(k["schema"], k["table"]): k for k in erasure.summary["retained"]}
    assert kept[(alpha.schema_name, "ledger_journalentry")]["until"] == "2033-12-31"  # BE: 7 years
    assert kept[("public", "governance_cooperator")]["until"] is None
    assert erasure.next_review == datetime.date(2034, 1, 1)
    # Nobody else's data changed.
    others_after = sorted((f.schema, f.table, f.pk) for f in scan_database(others))
    assert others_after == others_before

    # When the accounting period is over, a follow-up erases what was kept for it.
    follow_up = erase_person(
        person_id=person["person_id"], by="test", reason="retention ended", today=datetime.date(2034, 1, 1)
    )
    assert not _places(f"Access{canary}") and not _places(f"{canary}-NEWEXP")
    assert _places(f"Coop {canary}")  # the register of cooperators keeps it
    assert follow_up.next_review is None
    with tenant_context(alpha):
        assert _ledger_lines() == lines_before and _unbalanced() == []
    record(
        **{
            "schemas_scanned": scan["schemas"],
            "tables_scanned": scan["tables"],
            "columns_scanned": scan["columns"],
            "files_scanned": scan["files"],
            "values_searched": scan["values_searched"],
            "rows_changed": sum(erasure.summary["changed"].values()),
            "rows_retained": len(erasure.summary["retained"]),
            "found_in_retained_records": scan["found_in_retained_records"],
            "found_elsewhere": scan["found_elsewhere"],
            "other_persons_rows_changed": len(set(others_before) ^ set(others_after)),
            "unbalanced_ledgers": len(_unbalanced_everywhere()),
        }
    )


def test_the_audit_trail_and_the_books_change_only_inside_a_running_erasure(group, person):
    erasure = erase_person(person_id=person["person_id"], by="test", reason="request", today=TODAY)
    with tenant_context(person["alpha"]):
        for statement in (
            "UPDATE audit_auditrecord SET after = '{}'::jsonb",
            "UPDATE ledger_journalentry SET description = 'changed'",
            "DELETE FROM audit_auditrecord",
        ):
            for setting in ("", str(erasure.pk)):  # a finished erasure's id opens nothing
                with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('privacy.erasure', %s, true)", [setting])
                    cursor.execute(statement)


def test_a_value_left_in_an_unregistered_place_undoes_the_whole_erasure(group, person):
    from tenants.activities.services import activity_create
    from tenants.members.models import Member

    email = f"{person['canary'].lower()}@subject.test"
    with tenant_context(person["beta"]):
        holder = Member.objects.get(person_id=person["person_id"])
        activity_create(name="Side project", currency="EUR", holder=holder, on=TODAY, description=f"write to {email}")
    count = Erasure.objects.count()
    with pytest.raises(PlatformError) as refused:
        erase_person(person_id=person["person_id"], by="test", reason="request", today=TODAY)
    assert refused.value.code == "erasure_incomplete"
    assert f"{person['beta'].schema_name}.activities_activity" in str(refused.value.message)
    assert Erasure.objects.count() == count
    with tenant_context(person["alpha"]):
        assert Member.objects.get(person_id=person["person_id"]).email == email  # rolled back


def test_refusals_a_dry_run_and_the_daily_follow_up(group, person):
    with pytest.raises(PlatformError) as refused:
        erase_person(person_id=uuid.uuid4(), by="test", reason="request")
    assert refused.value.code == "erasure_person_unknown"
    with pytest.raises(PlatformError) as refused:
        erase_person(person_id=person["person_id"], by="test", reason="  ")
    assert refused.value.code == "erasure_reason_required"
    assert not Erasure.objects.filter(person_id=person["person_id"]).exists()

    out = io.StringIO()
    call_command("privacy_erase", person=str(person["person_id"]), reason="request", dry_run=True, stdout=out)
    report = json.loads(out.getvalue())
    assert report["dry_run"] and report["changed"]["members.Member"] == 2
    assert not Erasure.objects.filter(person_id=person["person_id"]).exists()
    assert _places(f"{person['canary'].lower()}@subject.test")  # nothing changed

    call_command("privacy_erase", person=str(person["person_id"]), reason="request", stdout=io.StringIO())
    first = Erasure.objects.get(person_id=person["person_id"])
    Erasure.objects.filter(pk=first.pk).update(next_review=datetime.date(2020, 1, 1))
    assert retention_sweep() == 1
    first.refresh_from_db()
    assert first.next_review is None and first.follow_ups.count() == 1
    assert retention_sweep() == 0


def test_retention_rules_are_data_for_the_groups_countries():
    rules = {(r.country, r.category): r.years for r in RetentionRule.objects.all()}
    for country in ("BE", "FR", "NL", "DE", "AT", "SE", "ES", "IT", "HU"):
        assert rules[(country, "accounting")] and rules[(country, "payroll")]
    assert rules[("*", "share_register")] is None
    with schema_context("public"):
        assert RetentionRule.objects.get(country="BE", category="accounting").until(datetime.date(2026, 6, 30)) == (
            datetime.date(2033, 12, 31)
        )


def test_insurance_files_are_deleted_after_commit_once_their_period_is_over(
    group, person, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from shared_services.insurance.models import Claim, ClaimDocument, Coverage, InsurancePolicy

    canary, alpha = person["canary"], person["alpha"]
    documents = {}
    for year in (2015, 2026):
        coverage = Coverage.objects.create(
            entity=alpha, policy=InsurancePolicy.objects.order_by("pk")[0], member_id=uuid.uuid4(),
            person_id=person["person_id"], member_name=f"Insured {canary}", language="fr",
            activity_id=uuid.uuid4(), activity_name="Tour", performer_kind="employee", country="BE",
            starts_on=datetime.date(year, 3, 1), ends_on=datetime.date(year, 3, 2),
        )  # fmt: skip
        claim = Claim.objects.create(
            reference=f"C-{year}-{canary[-6:]}", entity=alpha, coverage=coverage, occurred_on=datetime.date(year, 3, 1),
            description=f"Claim {canary} {year}", amount=Decimal("50.00"), currency="EUR", reported_by="staff",
        )  # fmt: skip
        document = ClaimDocument(claim=claim, name=f"{year}.txt", size=30, uploaded_by="staff")
        document.file.save(f"{year}.txt", ContentFile(f"statement of {canary} {year}".encode()), save=True)
        ClaimDocument.objects.filter(pk=document.pk).update(
            uploaded_at=datetime.datetime(year, 3, 1, tzinfo=datetime.UTC)
        )
        documents[year] = document

    with django_capture_on_commit_callbacks(execute=True):
        erase_person(person_id=person["person_id"], by="test", reason="request", today=TODAY)

    old, recent = documents[2015], documents[2026]
    assert not old.file.storage.exists(old.file.name)  # deleted once the erasure committed
    assert recent.file.storage.exists(recent.file.name)  # kept with its claim (5 years)
    assert ClaimDocument.objects.get(pk=old.pk).file.name == ""
    assert Claim.objects.get(pk=old.claim.pk).description == ""
    assert Claim.objects.get(pk=recent.claim.pk).description == f"Claim {canary} 2026"
    assert not _places(f"Claim {canary} 2015")
    names = dict(Coverage.objects.filter(person_id=person["person_id"]).values_list("starts_on__year", "member_name"))
    assert names[2026] == f"Insured {canary}" and names[2015].startswith("ERASED-")
    recent.file.storage.delete(recent.file.name)


def test_the_officer_edits_retention_rules_and_reads_erasures_in_the_group_admin(group, person):
    from django.contrib.auth import get_user_model
    from django.test import Client

    erasure = erase_person(person_id=person["person_id"], by="test", reason="request", today=TODAY)
    manager = Client()  # the group manager is a superuser
    manager.force_login(get_user_model().objects.get(username=group.manager_username))
    rules = manager.get("/admin/privacy/retentionrule/", HTTP_HOST="localhost")
    assert rules.status_code == 200 and "Code de droit économique" in rules.content.decode()
    rule = RetentionRule.objects.get(country="BE", category="accounting")
    change = f"/admin/privacy/retentionrule/{rule.pk}/change/"
    form = {"country": "BE", "category": "accounting", "years": "10", "basis": rule.basis}
    assert manager.post(change, form, HTTP_HOST="localhost").status_code == 302
    assert RetentionRule.objects.get(pk=rule.pk).years == 10
    page = manager.get(f"/admin/privacy/erasure/{erasure.pk}/change/", HTTP_HOST="localhost")
    assert page.status_code == 200 and erasure.pseudonym in page.content.decode()
    assert (
        manager.post(f"/admin/privacy/erasure/{erasure.pk}/delete/", {"post": "yes"}, HTTP_HOST="localhost").status_code
        == 403
    )
    outsider = Client()
    outsider.force_login(get_user_model().objects.create_user(username="staff-o@group.test", is_staff=True))
    assert outsider.get("/admin/privacy/retentionrule/", HTTP_HOST="localhost").status_code == 403
    assert outsider.get("/admin/privacy/erasure/", HTTP_HOST="localhost").status_code == 403
