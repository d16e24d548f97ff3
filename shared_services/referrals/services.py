"""Partner referrals: created with consent by an entity's staff, revoked at once, worked by partners
(the partner API of the federation calls the partner-side functions)."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from config.db import connection
from tenants.registry.models import Entity

from . import errors
from .models import Consent, Partner, Referral, ReferralOutcome, ReferralStatus, SharedField

PARTNER_TRANSITIONS: dict[str, set[str]] = {
    ReferralStatus.SENT: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED},
    ReferralStatus.ACCEPTED: {ReferralStatus.OUTCOME_REPORTED},
}


def referral_create(
    *, partner: Partner, member_id: uuid.UUID, project: str, consent_fields: list[str], consent_given: bool, by: str
) -> Referral:
    """Refer a member's project to a partner (run in the entity's schema). Without the member's
    explicit consent and at least one field it covers, nothing is written."""
    from tenants.members.referral_port import member_ref, member_snapshot

    entity = connection.tenant
    assert isinstance(entity, Entity)
    fields = sorted(set(consent_fields))
    if not consent_given or not fields or any(f not in SharedField.values for f in fields):
        raise errors.catalog.error(errors.CONSENT_REQUIRED, field="consent")
    if not (project or "").strip():
        raise errors.catalog.error(errors.PROJECT_REQUIRED, field="project")
    if not partner.active:
        raise errors.catalog.error(errors.PARTNER_UNKNOWN, field="partner")
    member = member_ref(member_id)
    if member is None:
        raise errors.catalog.error(errors.NOT_YOURS, status=404, field="member")
    with transaction.atomic():
        referral = Referral.objects.create(
            entity=entity,
            partner=partner,
            member_id=member.member_id,
            person_id=member.person_id,
            member_name=member.display_name,
            project=project.strip(),
            requested_by=by,
        )
        Consent.objects.create(
            referral=referral,
            fields=fields,
            shared=member_snapshot(member.member_id, fields, project=project.strip(), on=timezone.localdate()),
            recorded_by=by,
        )
    return referral


def consent_revoke(*, referral: Referral, by: str) -> Referral:
    """Effective at once: from this commit on the partner sees nothing of the referral."""
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(referral=referral)
        if consent.revoked_at is None:
            consent.revoked_at = timezone.now()
            consent.save(update_fields=["revoked_at"])
            Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.WITHDRAWN)
    referral.refresh_from_db()
    return referral


# --- The partner's side (called by the partner API) -----------------------------------------------------


def referrals_for_partner(partner: Partner) -> list[Referral]:
    """The partner's referrals whose consent still stands."""
    return list(
        Referral.objects.filter(partner=partner, consent__revoked_at__isnull=True)
        .select_related("consent")
        .order_by("-created_at", "-id")
    )


def _partner_referral(partner: Partner, referral_id: uuid.UUID, *, lock: bool = False) -> Referral:
    rows = Referral.objects.filter(public_id=referral_id, partner=partner)
    referral = (rows.select_for_update(of=("self",)) if lock else rows.select_related("consent")).first()
    if referral is None:
        raise errors.catalog.error(errors.NOT_YOURS, status=404)
    if referral.consent.revoked_at is not None:
        raise errors.catalog.error(errors.CONSENT_REVOKED, status=404)
    return referral


def referral_partner_view(partner: Partner, referral_id: uuid.UUID) -> dict[str, object]:
    """What the partner may read: the consented snapshot, nothing else (nothing at all once revoked)."""
    referral = _partner_referral(partner, referral_id)
    return {
        "id": str(referral.public_id),
        "status": referral.status,
        "created_at": referral.created_at.isoformat(),
        "data": dict(referral.consent.shared),
    }


def _move(partner: Partner, referral_id: uuid.UUID, to: str, **fields: object) -> Referral:
    with transaction.atomic():
        referral = _partner_referral(partner, referral_id, lock=True)
        if to not in PARTNER_TRANSITIONS.get(referral.status, set()):
            raise errors.catalog.error(
                errors.STATUS_INVALID,
                status=409,
                current=ReferralStatus(referral.status).label,
                wanted=ReferralStatus(to).label,
            )
        referral.status = to
        for name, value in fields.items():
            setattr(referral, name, value)
        referral.save()
    return referral


def referral_accept(*, partner: Partner, referral_id: uuid.UUID) -> Referral:
    return _move(partner, referral_id, ReferralStatus.ACCEPTED)


def referral_decline(*, partner: Partner, referral_id: uuid.UUID) -> Referral:
    return _move(partner, referral_id, ReferralStatus.DECLINED)


def referral_outcome_report(*, partner: Partner, referral_id: uuid.UUID, outcome: str, note: str = "") -> Referral:
    if outcome not in ReferralOutcome.values:
        raise errors.catalog.error(errors.OUTCOME_INVALID, field="outcome")
    return _move(
        partner,
        referral_id,
        ReferralStatus.OUTCOME_REPORTED,
        outcome=outcome,
        outcome_note=note[:500],
        outcome_on=timezone.localdate(),
    )
