"""Group insurance: cover checked when a performance is declared, certificates, claims."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from config.errors import PlatformError
from shared_services.insurance import services
from shared_services.insurance.models import Claim, ClaimStatus, Coverage
from shared_services.models import Team
from shared_services.services import team_member_add
from tenants.billing.models import Invoice
from tenants.declarations.services import Performer, declare_performance
from tenants.payroll.models import Contract
from tests import factories

pytestmark = pytest.mark.django_db
FROM, TO = datetime.date(2026, 5, 4), datetime.date(2026, 5, 8)


def _declare(country: str, kind: str = "wage"):
    holder = factories.member()
    activity = factories.activity(holder=holder)
    return declare_performance(
        activity=activity,
        client=factories.client(),
        lines=[factories.line("1000.00")],
        performers=[Performer(holder, Decimal("300.00"), kind=kind)],
        performed_from=FROM,
        performed_to=TO,
        country=country,
        by="alice",
    )


def test_a_wage_performance_is_covered_by_both_policies_of_its_country(in_books_eur):
    declaration = _declare("FR")
    member = declaration.contracts.get().member
    rows = Coverage.objects.filter(member_id=member.public_id).order_by("policy__kind")
    assert [(c.policy.number, c.country, c.starts_on, c.ends_on) for c in rows] == [
        ("GRP-CL-EU-2020", "FR", FROM, TO),
        ("GRP-WA-EU-2020", "FR", FROM, TO),
    ]
    assert rows[0].entity == in_books_eur and rows[0].person_id == member.person_id


def test_fees_need_civil_liability_only_and_missions_abroad_are_covered(in_books_eur):
    declaration = _declare("JP", kind="fees")
    member = declaration.contracts.get().member
    assert list(Coverage.objects.filter(member_id=member.public_id).values_list("policy__number", flat=True)) == [
        "GRP-CL-MI-2020"
    ]


def test_a_performance_nowhere_covered_is_refused_and_nothing_is_written(in_books_eur):
    before = (Invoice.objects.count(), Contract.objects.count(), Coverage.objects.count())
    with pytest.raises(PlatformError) as refused:
        _declare("KP")
    assert refused.value.code == "insurance_not_covered"
    assert refused.value.status == 409
    assert refused.value.details["country"] == "KP"
    assert (Invoice.objects.count(), Contract.objects.count(), Coverage.objects.count()) == before


def test_the_certificate_speaks_the_members_language(in_books_eur):
    declaration = _declare("BE")
    member = declaration.contracts.get().member
    coverages = list(Coverage.objects.filter(member_id=member.public_id).select_related("policy"))
    text = services.certificate_text(
        entity=in_books_eur, member_name=member.display_name, coverages=coverages, language="fr"
    )
    assert text.title == "Attestation de couverture d'assurance"
    assert [row[0] for row in text.body] == ["Responsabilité civile", "Accidents du travail"]
    german = services.certificate_text(
        entity=in_books_eur, member_name=member.display_name, coverages=coverages, language="de"
    )
    assert german.header[0] == "Deckung"
    content, name = services.certificate_pdf(entity=in_books_eur, member_id=member.public_id)  # type: ignore[misc]
    assert content.startswith(b"%PDF") and name == member.display_name


def test_claim_workflow_and_refused_transitions_change_nothing(in_books_eur):
    declaration = _declare("BE")
    member = declaration.contracts.get().member
    coverage = Coverage.objects.filter(member_id=member.public_id).first()
    assert coverage is not None
    with pytest.raises(PlatformError) as outside:
        services.claim_report(
            entity=in_books_eur,
            coverage=coverage,
            occurred_on=datetime.date(2026, 6, 1),
            description="x",
            amount=Decimal("10.00"),
            by="alice",
        )
    assert outside.value.code == "insurance_claim_not_covered"
    claim = services.claim_report(
        entity=in_books_eur,
        coverage=coverage,
        occurred_on=FROM,
        description="Stage fell",
        amount=Decimal("800.00"),
        by="alice",
    )
    assert claim.reference.startswith("IC-") and claim.status == ClaimStatus.REPORTED
    with pytest.raises(PlatformError) as jump:
        services.claim_transition(claim=claim, to=ClaimStatus.PAID, by="ivan")
    assert jump.value.code == "insurance_claim_transition_invalid"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REPORTED and claim.events.count() == 1
    for status in (ClaimStatus.UNDER_REVIEW, ClaimStatus.ACCEPTED, ClaimStatus.PAID, ClaimStatus.CLOSED):
        claim = services.claim_transition(claim=claim, to=status, by="ivan")
    assert [e.to_status for e in claim.events.all()] == ["reported", "under_review", "accepted", "paid", "closed"]
    with pytest.raises(PlatformError) as bad_type:
        services.claim_document_add(claim=claim, upload=SimpleUploadedFile("x.exe", b"MZ..."), by="alice")
    assert bad_type.value.code == "insurance_document_type_not_allowed"
    with pytest.raises(PlatformError) as fake_pdf:
        services.claim_document_add(claim=claim, upload=SimpleUploadedFile("x.pdf", b"MZ..."), by="alice")
    assert fake_pdf.value.code == "insurance_document_type_not_allowed"
    assert claim.documents.count() == 0


def _staff(persona) -> Client:
    client = Client()
    with tenant_context(persona.entity):
        client.force_login(get_user_model().objects.get(username=persona.staff_username))
    return client


def test_pages_entity_staff_see_their_own_claims_the_team_all(group):
    alpha, beta = group.alpha, group.beta
    alpha_claim = Claim.objects.get(entity=alpha.entity)
    beta_claim = Claim.objects.get(entity=beta.entity)
    staff = _staff(alpha)
    assert staff.get(f"/services/insurance/claims/{alpha_claim.public_id}/", HTTP_HOST=alpha.host).status_code == 200
    assert staff.get(f"/services/insurance/claims/{beta_claim.public_id}/", HTTP_HOST=alpha.host).status_code == 404
    document = beta_claim.documents.get()
    url = f"/services/insurance/claims/{beta_claim.public_id}/documents/{document.public_id}/"
    assert staff.get(url, HTTP_HOST=alpha.host).status_code == 404
    home = staff.get("/services/insurance/", HTTP_HOST=alpha.host).content.decode()
    assert f"{alpha.canary}IM" in home and beta.canary not in home
    gina = Client()
    gina.force_login(get_user_model().objects.get(username=group.manager_username))
    assert gina.get("/services/insurance/", HTTP_HOST="localhost").status_code == 403
    user, _ = get_user_model().objects.get_or_create(username="ivan@group.test", defaults={"is_staff": True})
    team_member_add(user_id=user.pk, team=Team.INSURANCE)
    team = Client()
    team.force_login(user)
    page = team.get("/services/insurance/", HTTP_HOST="localhost").content.decode()
    assert f"{alpha.canary}IM" in page and f"{beta.canary}IM" in page
    moved = team.post(
        f"/services/insurance/claims/{beta_claim.public_id}/",
        {"to": "under_review", "note": "ok"},
        HTTP_HOST="localhost",
    )
    assert moved.status_code == 302
    refused = team.post(f"/services/insurance/claims/{beta_claim.public_id}/", {"to": "closed"}, HTTP_HOST="localhost")
    assert refused.status_code == 409
    beta_claim.refresh_from_db()
    assert beta_claim.status == "under_review"
    download = team.get(url, HTTP_HOST="localhost")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_certificate_download_for_own_members_only(group):
    alpha, beta = group.alpha, group.beta
    alpha_member = Coverage.objects.filter(entity=alpha.entity).exclude(member_name__contains="IM").first()
    beta_member = Coverage.objects.filter(entity=beta.entity).first()
    assert alpha_member is not None and beta_member is not None
    staff = _staff(alpha)
    ok = staff.get(f"/services/insurance/certificates/{alpha_member.member_id}.pdf", HTTP_HOST=alpha.host)
    assert ok.status_code == 200 and ok["Content-Type"] == "application/pdf" and ok.content.startswith(b"%PDF")
    other = staff.get(f"/services/insurance/certificates/{beta_member.member_id}.pdf", HTTP_HOST=alpha.host)
    assert other.status_code == 404
