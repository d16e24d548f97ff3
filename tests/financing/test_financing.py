"""Financing: advances on granted subsidies repaid by the funder's payment, equipment loans repaid
from the activity's budget, the use-of-funds report; and partner referrals under consent."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.test import Client
from django_tenants.utils import tenant_context

from config.errors import PlatformError
from shared_services.financing import services
from shared_services.financing.models import AdvanceStatus, InstalmentStatus, LoanStatus, SubsidyAdvance
from shared_services.models import PoolLine
from shared_services.referrals import services as referrals
from shared_services.referrals.models import Partner, Referral
from tenants.billing.models import Invoice
from tenants.billing.services import document_create, document_issue, payment_record
from tenants.ledger.models import EntryKind, JournalEntry
from tenants.ledger.selectors import activity_balance, trial_balance
from tests import factories

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 4, 1)


def _grant(activity, amount: str = "10000.00") -> Invoice:
    funder = factories.client(is_funder=True)
    draft = document_create(
        kind="grant", activity=activity, client=funder, currency="EUR", lines=[factories.line(amount, vat="0")]
    )
    return document_issue(invoice=draft, on=DAY)


def _balanced() -> None:
    assert all(sum(accounts.values()) == 0 for accounts in trial_balance().values())
    totals = PoolLine.objects.values("currency").annotate(total=Sum("amount"))
    assert all(row["total"] == 0 for row in totals)


def test_an_advance_on_a_granted_subsidy_is_repaid_by_the_funders_payment(in_books_eur):
    services.financing_endow(amount=Decimal("50000.00"), currency="EUR", key=uuid.uuid4().hex, on=DAY)
    activity = factories.activity()
    grant = _grant(activity)
    with pytest.raises(PlatformError) as over:
        services.advance_request(grant_id=grant.public_id, amount=Decimal("10000.01"), by="alice")
    assert over.value.code == "financing_advance_over_grant"
    assert not SubsidyAdvance.objects.filter(grant_id=grant.public_id).exists()
    advance = services.advance_request(grant_id=grant.public_id, amount=Decimal("6000.00"), by="alice")
    with pytest.raises(PlatformError) as second:
        services.advance_request(grant_id=grant.public_id, amount=Decimal("4000.01"), by="alice")
    assert second.value.details["available"] == "4000.00"
    services.advance_decide(advance_id=advance.public_id, approve=True, on=DAY, by="fin")
    with pytest.raises(PlatformError) as again:
        services.advance_decide(advance_id=advance.public_id, approve=True, on=DAY, by="fin")
    assert again.value.code == "financing_not_pending"
    assert JournalEntry.objects.filter(kind=EntryKind.SUBSIDY_ADVANCE).count() == 1
    balance_before = activity_balance(activity.pk, "EUR")
    payment_record(invoice=grant, amount=Decimal("4000.00"), currency="EUR", on=DAY)
    advance.refresh_from_db()
    assert (advance.repaid, advance.status) == (Decimal("4000.00"), AdvanceStatus.PAID)
    payment_record(invoice=grant, amount=Decimal("6000.00"), currency="EUR", on=DAY)
    advance.refresh_from_db()
    assert (advance.repaid, advance.status) == (Decimal("6000.00"), AdvanceStatus.REPAID)
    assert JournalEntry.objects.filter(kind=EntryKind.SUBSIDY_ADVANCE_REPAID).count() == 2
    assert activity_balance(activity.pk, "EUR") == balance_before  # the advance never touched the budget
    report = services.use_of_funds(activity_id=activity.public_id)
    assert report.groups == {"levy": Decimal("650.00")} and report.other == 0
    _balanced()


def test_an_advance_beyond_the_pools_cash_is_refused(in_books_huf):
    activity = factories.activity(currency="HUF")
    funder = factories.client(is_funder=True)
    grant = document_issue(
        invoice=document_create(
            kind="grant",
            activity=activity,
            client=funder,
            currency="HUF",
            lines=[factories.line("900000000", vat="0")],
        ),
        on=DAY,
    )
    advance = services.advance_request(grant_id=grant.public_id, amount=Decimal("800000000"), by="alice")
    with pytest.raises(PlatformError) as refused:
        services.advance_decide(advance_id=advance.public_id, approve=True, on=DAY, by="fin")
    assert refused.value.code == "financing_pool_insufficient"
    advance.refresh_from_db()
    assert advance.status == AdvanceStatus.REQUESTED
    assert not JournalEntry.objects.filter(kind=EntryKind.SUBSIDY_ADVANCE).exists()


def test_loan_schedule_sums_exactly_and_handles_zero_rate():
    schedule = services.loan_schedule(
        principal=Decimal("10000.00"),
        annual_rate=Decimal("6"),
        months=12,
        first_due_on=datetime.date(2026, 1, 31),
        currency="EUR",
    )
    assert sum(i.principal for i in schedule) == Decimal("10000.00")
    assert [i.due_on for i in schedule[:3]] == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 31),
    ]
    assert schedule[0].interest == Decimal("50.00")
    assert {i.principal + i.interest for i in schedule[:-1]} == {Decimal("860.66")}
    flat = services.loan_schedule(
        principal=Decimal("1000"), annual_rate=Decimal(0), months=3, first_due_on=DAY, currency="HUF"
    )
    assert [i.principal for i in flat] == [Decimal("333"), Decimal("333"), Decimal("334")]


def test_an_equipment_loan_is_repaid_from_the_activitys_budget_once_per_instalment(in_books_eur):
    services.financing_endow(amount=Decimal("50000.00"), currency="EUR", key=uuid.uuid4().hex, on=DAY)
    activity = factories.activity()
    loan = services.loan_request(
        activity_id=activity.public_id,
        purpose="Camera",
        principal=Decimal("1200.00"),
        annual_rate=Decimal(0),
        months=2,
        first_due_on=datetime.date(2026, 5, 1),
        by="alice",
    )
    loan = services.loan_decide(loan_id=loan.public_id, approve=True, on=DAY, by="fin")
    assert loan.status == LoanStatus.DISBURSED and activity_balance(activity.pk, "EUR") == Decimal("1200.00")
    # The activity spends 1000 of it: the first instalment (600) is then more than it holds.
    from tenants.billing.services import expense_approve, expense_submit

    expense = expense_submit(
        activity=activity,
        member=activity.members.first(),
        description="Camera",
        amount=Decimal("1000.00"),
        currency="EUR",
        on=DAY,
    )
    expense_approve(expense=expense, on=DAY)
    assert services.instalments_collect(on=datetime.date(2026, 5, 1)) == {"collected": 0, "late": 1}
    assert loan.instalments.get(number=1).status == InstalmentStatus.LATE
    _grant(activity, "5000.00")
    assert services.instalments_collect(on=datetime.date(2026, 6, 1)) == {"collected": 2, "late": 0}
    assert services.instalments_collect(on=datetime.date(2026, 6, 1)) == {"collected": 0, "late": 0}
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID
    assert JournalEntry.objects.filter(kind=EntryKind.EQUIPMENT_LOAN_REPAYMENT).count() == 2
    report = services.use_of_funds(activity_id=activity.public_id)
    assert report.groups["loan_repayments"] == Decimal("1200.00")
    assert report.groups["expense_refunds"] == Decimal("1000.00") and report.other == 0
    _balanced()


def test_a_referral_needs_consent_and_a_revoked_consent_hides_everything_from_the_partner(in_books_eur):
    member = factories.member(email="sam@example.test", phone="+32 2 000 00 00")
    microstart, coopcity = Partner.objects.get(slug="microstart"), Partner.objects.get(slug="coopcity")
    before = Referral.objects.count()
    with pytest.raises(PlatformError) as no_consent:
        referrals.referral_create(
            partner=microstart,
            member_id=member.public_id,
            project="Bakery",
            consent_fields=["name"],
            consent_given=False,
            by="alice",
        )
    assert no_consent.value.code == "referral_consent_required"
    assert Referral.objects.count() == before
    referral = referrals.referral_create(
        partner=microstart,
        member_id=member.public_id,
        project="Bakery",
        consent_fields=["name", "project"],
        consent_given=True,
        by="alice",
    )
    view = referrals.referral_partner_view(microstart, referral.public_id)
    assert view["data"] == {"name": member.display_name, "project": "Bakery"}  # no e-mail, no phone
    with pytest.raises(PlatformError) as other_partner:
        referrals.referral_partner_view(coopcity, referral.public_id)
    assert other_partner.value.status == 404
    assert referral not in referrals.referrals_for_partner(coopcity)
    referrals.referral_accept(partner=microstart, referral_id=referral.public_id)
    referrals.referral_outcome_report(
        partner=microstart, referral_id=referral.public_id, outcome="loan_granted", note="5000"
    )
    referral.refresh_from_db()
    assert (referral.status, referral.outcome) == ("outcome_reported", "loan_granted")
    referrals.consent_revoke(referral=referral, by="alice")
    assert referral not in referrals.referrals_for_partner(microstart)
    with pytest.raises(PlatformError) as revoked:
        referrals.referral_partner_view(microstart, referral.public_id)
    assert revoked.value.code == "referral_consent_revoked"


def test_entity_pages_show_their_own_financing_and_referrals_only(group):
    client = Client()
    with tenant_context(group.alpha.entity):
        client.force_login(get_user_model().objects.get(username=group.alpha.staff_username))
    for url in ("/services/", "/services/financing/", "/services/referrals/"):
        body = client.get(url, HTTP_HOST=group.alpha.host).content.decode()
        for other in group.others(group.alpha):
            assert other.canary not in body
    assert f"{group.alpha.canary}FP" in client.get("/services/financing/", HTTP_HOST=group.alpha.host).content.decode()
    beta_referral = Referral.objects.get(entity=group.beta.entity)
    response = client.post(f"/services/referrals/{beta_referral.public_id}/revoke/", HTTP_HOST=group.alpha.host)
    assert response.status_code == 404
    beta_referral.consent.refresh_from_db()
    assert beta_referral.consent.revoked_at is None
