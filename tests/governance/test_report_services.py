"""The social report's mutualised services and levy: exact figures for a year nobody else uses (2031),
computed here by hand from the rows the test writes (the session's seeds are dated 2026)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from federation_api.models import Fact
from governance.report import ServiceFigures, social_report, social_report_pdf, split_levy
from governance.services import governance_team_member_add
from shared_services.financing.models import EquipmentLoan, SubsidyAdvance
from shared_services.guarantee.models import FundMovement
from shared_services.insurance.models import Claim, Coverage, InsurancePolicy
from shared_services.legal_aid.models import LegalCase
from shared_services.services import pool_endow
from tenants.registry.models import LevyAllocation, LevyPolicy

pytestmark = pytest.mark.django_db
D = Decimal
YEAR = 2031


def _movement(entity, kind, amount, on, status="executed"):
    key = f"test:{uuid.uuid4()}"
    entry = pool_endow(pool="guarantee_fund", amount=D(amount), currency=entity.currency, key=key, on=on)
    FundMovement.objects.create(
        idempotency_key=key,
        kind=kind,
        status=status,
        entity=entity,
        currency=entity.currency,
        amount=D(amount),
        value_date=on,
        pool_entry=entry if status == "executed" else None,
    )


def _coverage(entity, starts_on):
    return Coverage.objects.create(
        entity=entity,
        policy=InsurancePolicy.objects.get(number="GRP-CL-EU-2020"),
        member_id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        member_name="M",
        language="fr",
        activity_id=uuid.uuid4(),
        activity_name="A",
        performer_kind="wage",
        country=entity.country,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=2),
    )


def _claim(coverage, reported):
    claim = Claim.objects.create(
        reference=f"C-{uuid.uuid4().hex[:10]}",
        entity=coverage.entity,
        coverage=coverage,
        occurred_on=reported.date(),
        description="secret words of a claim",
        amount=D("10.00"),
        currency="EUR",
        reported_by="t",
    )
    Claim.objects.filter(pk=claim.pk).update(reported_at=reported)


def _case(entity, opened, closed=None):
    LegalCase.objects.create(
        reference=f"LA-{uuid.uuid4().hex[:10]}",
        entity=entity,
        kind="individual",
        area="unpaid_client",
        status="closed" if closed else "opened",
        opened_on=opened,
        closed_on=closed,
        requested_by="t",
        request="confidential request text",
    )


def _advance(entity, amount, status, decided_on):
    SubsidyAdvance.objects.create(
        entity=entity,
        grant_id=uuid.uuid4(),
        grant_number="G-1",
        funder_name="F",
        activity_id=uuid.uuid4(),
        activity_name="A",
        currency=entity.currency,
        amount=D(amount),
        status=status,
        requested_by="t",
        decided_on=decided_on,
    )


def _loan(entity, principal, status, disbursed_on):
    EquipmentLoan.objects.create(
        entity=entity,
        activity_id=uuid.uuid4(),
        activity_name="A",
        purpose="P",
        currency=entity.currency,
        principal=D(principal),
        annual_rate=D("0"),
        months=12,
        first_due_on=datetime.date(YEAR, 12, 1),
        status=status,
        requested_by="t",
        disbursed_on=disbursed_on,
    )


def _levy(entity, month, amount, *, year=YEAR, account_kind="levy_income"):
    Fact.objects.create(
        entity=entity,
        country=entity.country,
        period=datetime.date(year, month, 1),
        flow="invoice_issued",
        account_kind=account_kind,
        account_class="7",
        currency=entity.currency,
        amount=-D(amount),  # income: a credit
        entries=1,
    )


def _policy(country, effective_from, **shares):
    policy = LevyPolicy.objects.create(country=country, rate=D("6.5"), effective_from=effective_from)
    for purpose, share in shares.items():
        LevyAllocation.objects.create(policy=policy, purpose=purpose, share=D(share))


@pytest.fixture
def year_of_services(group):
    alpha, beta, gamma = group.alpha.entity, group.beta.entity, group.gamma.entity  # BE/EUR, SE/SEK, HU/HUF
    on = datetime.date(YEAR, 3, 10)
    _movement(alpha, "advance", "100.00", on)
    _movement(alpha, "advance", "50.50", on)
    _movement(alpha, "advance", "999.00", on, status="cancelled")  # never paid
    _movement(alpha, "advance", "70.00", datetime.date(YEAR - 1, 12, 31))  # last year
    _movement(alpha, "cover", "200.00", on)
    _movement(beta, "advance", "1000.00", on)
    _movement(beta, "repayment", "1000.00", on)  # not a use of the fund
    for day in (datetime.date(YEAR, 1, 5), datetime.date(YEAR, 8, 1), datetime.date(YEAR - 1, 6, 1)):
        coverage = _coverage(alpha, day)
    _claim(coverage, datetime.datetime(YEAR, 2, 1, 9, tzinfo=datetime.UTC))
    _claim(_coverage(beta, datetime.date(YEAR, 4, 4)), datetime.datetime(YEAR, 4, 5, 9, tzinfo=datetime.UTC))
    _case(alpha, datetime.date(YEAR, 2, 1), datetime.date(YEAR, 5, 1))
    _case(beta, datetime.date(YEAR - 1, 12, 1), datetime.date(YEAR, 1, 10))
    _case(gamma, datetime.date(YEAR, 6, 1))
    _advance(alpha, "1000.00", "paid", datetime.date(YEAR, 4, 1))
    _advance(alpha, "300.00", "repaid", datetime.date(YEAR, 5, 1))
    _advance(alpha, "500.00", "requested", None)
    _loan(beta, "2400.00", "disbursed", datetime.date(YEAR, 5, 1))
    _loan(beta, "800.00", "declined", None)
    # Levy: the BE policy changes on 1 July; Sweden's allocation covers 90 % only.
    _policy("BE", datetime.date(YEAR, 1, 1), guarantee_fund="33.33", insurance="33.33", legal_aid="33.34")
    _policy("BE", datetime.date(YEAR, 7, 1), guarantee_fund="50", insurance="30", legal_aid="20")
    _policy("SE", datetime.date(YEAR, 1, 1), guarantee_fund="60", advice_training="30")
    _levy(alpha, 1, "130.00")
    _levy(alpha, 8, "65.00")
    _levy(alpha, 8, "40.00", account_kind="client_receivable")  # not the levy
    _levy(alpha, 12, "1.00", year=YEAR - 1)  # last year
    _levy(beta, 2, "1000.00")
    return alpha, beta, gamma


def test_services_and_levy_are_exact_per_entity_and_in_total(year_of_services):
    alpha, beta, gamma = year_of_services
    report = social_report(year=YEAR)
    by_entity = {line.entity: line.figures for line in report.services_by_entity}
    assert set(by_entity) == {alpha.display_name, beta.display_name, gamma.display_name}
    assert by_entity[alpha.display_name] == ServiceFigures(
        guarantee_advances=2,
        guarantee_advanced={"EUR": D("150.50")},
        guarantee_covers=1,
        guarantee_covered={"EUR": D("200.00")},
        insurance_coverages=2,
        insurance_claims=1,
        legal_cases_opened=1,
        legal_cases_closed=1,
        subsidy_advances=2,
        subsidy_advanced={"EUR": D("1300.00")},
    )
    assert by_entity[beta.display_name] == ServiceFigures(
        guarantee_advances=1,
        guarantee_advanced={"SEK": D("1000.00")},
        insurance_coverages=1,
        insurance_claims=1,
        legal_cases_closed=1,
        equipment_loans=1,
        equipment_lent={"SEK": D("2400.00")},
    )
    assert by_entity[gamma.display_name] == ServiceFigures(legal_cases_opened=1)
    assert report.services_total == ServiceFigures(
        guarantee_advances=3,
        guarantee_advanced={"EUR": D("150.50"), "SEK": D("1000.00")},
        guarantee_covers=1,
        guarantee_covered={"EUR": D("200.00")},
        insurance_coverages=3,
        insurance_claims=2,
        legal_cases_opened=2,
        legal_cases_closed=2,
        subsidy_advances=2,
        subsidy_advanced={"EUR": D("1300.00")},
        equipment_loans=1,
        equipment_lent={"SEK": D("2400.00")},
    )
    # Alpha: January 130.00 at 33.33/33.33/33.34 (43.33, 43.33, 43.34); August 65.00 at 50/30/20.
    levy = {(line.entity, line.currency): line for line in report.levy_by_entity}
    assert set(levy) == {(alpha.display_name, "EUR"), (beta.display_name, "SEK")}
    assert levy[(alpha.display_name, "EUR")].levy == D("195.00")
    assert levy[(alpha.display_name, "EUR")].allocation == {
        "guarantee_fund": D("75.83"),
        "insurance": D("62.83"),
        "legal_aid": D("56.34"),
    }
    assert levy[(beta.display_name, "SEK")].levy == D("1000.00")
    assert levy[(beta.display_name, "SEK")].allocation == {
        "guarantee_fund": D("600.00"),
        "advice_training": D("300.00"),
        "": D("100.00"),
    }
    assert [(t.currency, t.levy) for t in report.levy_total] == [("EUR", D("195.00")), ("SEK", D("1000.00"))]
    assert report.levy_purposes == ["guarantee_fund", "insurance", "legal_aid", "advice_training", ""]
    for language in ("fr", "nl", "de", "en"):
        assert social_report_pdf(report=report, language=language).startswith(b"%PDF")


def test_the_report_page_shows_services_and_levy_without_any_case_content(year_of_services):
    alpha, _beta, _gamma = year_of_services
    user, _ = get_user_model().objects.get_or_create(username="greta@group.test", defaults={"is_staff": True})
    governance_team_member_add(user_id=user.pk)
    team = Client(HTTP_HOST="localhost")
    team.force_login(user)
    html = team.get(f"/governance/report/{YEAR}/").content.decode()
    assert "<td>Guarantee fund: amount advanced</td><td>150.50 EUR, 1000.00 SEK</td>" in html
    assert "<td>Legal aid: cases opened</td><td>2</td>" in html
    assert f"<td>{alpha.display_name}</td><td>EUR</td><td>195.00</td><td>75.83</td><td>62.83</td><td>56.34</td>" in html
    assert "<td>Group total</td><td>SEK</td><td>1000.00</td><td>600.00</td><td>0.00</td><td>0.00</td>" in html
    assert "confidential request text" not in html and "secret words of a claim" not in html
    pdf = team.get(f"/governance/report/{YEAR}.pdf", HTTP_ACCEPT_LANGUAGE="nl")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert Fact.objects.filter(period__year=YEAR).count() == 4


def test_rounding_leaves_nothing_out_of_the_split():
    assert split_levy(
        D("0.10"), [("legal_aid", D("33.34")), ("guarantee_fund", D("33.33")), ("insurance", D("33.33"))]
    ) == {
        "legal_aid": D("0.04"),
        "guarantee_fund": D("0.03"),
        "insurance": D("0.03"),
    }
    assert split_levy(D("10.00"), []) == {"": D("10.00")}
