"""Insurance: cover checked and recorded when a performance is declared, certificates, claims."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from config.db import connection, dangerously_all_entities
from config.pdf import PdfDocument
from shared_services.documents import document_check
from tenants.declarations.checks import DeclarationFacts
from tenants.registry.models import Entity

from . import errors
from .models import (
    CLAIM_TRANSITIONS,
    Claim,
    ClaimDocument,
    ClaimEvent,
    ClaimStatus,
    Coverage,
    InsurancePolicy,
    PolicyKind,
)

# What each kind of contract must be covered by.
REQUIRED_COVER = {
    "wage": (PolicyKind.CIVIL_LIABILITY, PolicyKind.WORK_ACCIDENT),
    "fees": (PolicyKind.CIVIL_LIABILITY,),
    "authors_rights": (PolicyKind.CIVIL_LIABILITY,),
}


def policy_covering(*, kind: str, country: str, start: datetime.date, end: datetime.date) -> InsurancePolicy | None:
    """A group policy of ``kind`` valid over the whole period and covering ``country``."""
    candidates = InsurancePolicy.objects.filter(kind=kind, valid_from__lte=start).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=end)
    )
    for policy in candidates.order_by("valid_from", "id"):
        if not policy.countries or country in policy.countries:
            return policy
    return None


def declaration_insurance_check(facts: DeclarationFacts) -> None:
    """DECLARATION_CHECKS: refuse a performance the group's policies do not cover, else record each
    performer's cover (inside the declaration's transaction: a declaration refused later by another
    check leaves no cover behind)."""
    entity = Entity.objects.get(pk=facts.entity_id)
    rows = []
    for performer in facts.performers:
        for kind in REQUIRED_COVER.get(performer.kind, (PolicyKind.CIVIL_LIABILITY,)):
            policy = policy_covering(
                kind=kind, country=facts.country, start=facts.performed_from, end=facts.performed_to
            )
            if policy is None:
                raise errors.catalog.error(
                    errors.NOT_COVERED,
                    status=409,
                    kind=PolicyKind(kind).label,
                    country=facts.country,
                    start=facts.performed_from,
                    end=facts.performed_to,
                )
            rows.append(
                Coverage(
                    entity=entity,
                    policy=policy,
                    member_id=performer.member_id,
                    person_id=performer.person_id,
                    member_name=performer.display_name,
                    language=entity.default_language,
                    activity_id=facts.activity_id,
                    activity_name=facts.activity_name,
                    performer_kind=performer.kind,
                    country=facts.country,
                    starts_on=facts.performed_from,
                    ends_on=facts.performed_to,
                )
            )
    Coverage.objects.bulk_create(rows)


# --- Certificates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateText:
    title: str
    intro: str
    rows: list[tuple[str, str]]
    header: list[str]
    body: list[list[str]]
    closing: str


def certificate_text(*, entity: Entity, member_name: str, coverages: list[Coverage], language: str) -> CertificateText:
    """The certificate's words in ``language`` (a pure function of its inputs, tested as such)."""
    with translation.override(language):
        body = [
            [
                str(PolicyKind(c.policy.kind).label),
                c.policy.insurer,
                c.policy.number,
                c.country,
                formats.date_format(c.starts_on, "SHORT_DATE_FORMAT"),
                formats.date_format(c.ends_on, "SHORT_DATE_FORMAT"),
            ]
            for c in coverages
        ]
        return CertificateText(
            title=_("Certificate of insurance cover"),
            intro=_(
                "%(entity)s certifies that %(member)s is covered by the group insurance policies below for the "
                "performances declared in the periods shown."
            )
            % {"entity": entity.legal_name, "member": member_name},
            rows=[(_("Member"), member_name), (_("Employer"), entity.legal_name)],
            header=[_("Cover"), _("Insurer"), _("Policy number"), _("Country"), _("From"), _("To")],
            body=body,
            closing=_("Issued on %(date)s.") % {"date": formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")},
        )


def certificate_pdf(*, entity: Entity, member_id: uuid.UUID) -> tuple[bytes, str] | None:
    """The member's certificate (in the member's language) or None when the member has no cover."""
    coverages = list(
        Coverage.objects.filter(entity=entity, member_id=member_id).select_related("policy").order_by("starts_on")
    )
    if not coverages:
        return None
    latest = coverages[-1]
    text = certificate_text(
        entity=entity, member_name=latest.member_name, coverages=coverages, language=latest.language
    )
    document = PdfDocument(title=text.title, author=entity.legal_name)
    document.paragraph(text.intro)
    document.rows(text.rows)
    document.table(text.header, text.body)
    document.paragraph(text.closing)
    return document.render(), latest.member_name


# --- Claims -------------------------------------------------------------------------------------------


def _reference() -> str:
    year = timezone.localdate().year
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('insurance-claim-reference'))")
    with dangerously_all_entities():  # one numbering for the whole group, asked from any entity
        count = Claim.objects.filter(reference__startswith=f"IC-{year}-").count()
    return f"IC-{year}-{count + 1:05d}"


def claim_report(
    *, entity: Entity, coverage: Coverage, occurred_on: datetime.date, description: str, amount: Decimal, by: str
) -> Claim:
    if coverage.entity_id != entity.pk:
        raise errors.catalog.error(errors.CLAIM_NOT_COVERED, status=409, date=occurred_on)
    if not (description or "").strip() or not isinstance(amount, Decimal) or amount <= 0:
        raise errors.catalog.error(errors.CLAIM_INVALID)
    if not coverage.starts_on <= occurred_on <= coverage.ends_on:
        raise errors.catalog.error(errors.CLAIM_NOT_COVERED, status=409, field="occurred_on", date=occurred_on)
    with transaction.atomic():
        claim = Claim.objects.create(
            reference=_reference(),
            entity=entity,
            coverage=coverage,
            occurred_on=occurred_on,
            description=description.strip(),
            amount=amount,
            currency=coverage.policy.currency,
            reported_by=by,
        )
        ClaimEvent.objects.create(claim=claim, by=by, to_status=ClaimStatus.REPORTED)
    return claim


def claim_transition(*, claim: Claim, to: str, by: str, note: str = "") -> Claim:
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if to not in CLAIM_TRANSITIONS.get(locked.status, frozenset()):
            raise errors.catalog.error(
                errors.TRANSITION_INVALID,
                status=409,
                field="to",
                current=ClaimStatus(locked.status).label,
                wanted=ClaimStatus(to).label if to in ClaimStatus.values else to,
            )
        ClaimEvent.objects.create(claim=locked, by=by, from_status=locked.status, to_status=to, note=note[:500])
        locked.status = to
        locked.save(update_fields=["status"])
    return locked


def claim_document_add(*, claim: Claim, upload: UploadedFile, by: str) -> ClaimDocument:
    name = document_check(
        upload, catalog=errors.catalog, too_big=errors.DOCUMENT_TOO_BIG, wrong_type=errors.DOCUMENT_TYPE
    )
    document = ClaimDocument(claim=claim, name=name, size=upload.size or 0, uploaded_by=by)
    document.file = upload  # type: ignore[assignment]
    document.save()
    return document


def claim_filter(queryset: Any, status: str) -> Any:
    return queryset.filter(status=status) if status in ClaimStatus.values else queryset
