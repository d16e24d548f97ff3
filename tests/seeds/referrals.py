"""A referral with its consent for each test entity (canary in the member's name and project)."""

from __future__ import annotations


def seed(*, entity, canary: str) -> None:
    from shared_services.referrals.models import Partner
    from shared_services.referrals.services import referral_create
    from tenants.members.models import Member

    member = Member.objects.order_by("id").first()
    referral_create(
        partner=Partner.objects.get(slug="microstart"),
        member_id=member.public_id,
        project=f"{canary}RP",
        consent_fields=["name", "project"],
        consent_given=True,
        by=f"{canary}RB",
    )
