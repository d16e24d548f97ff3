from __future__ import annotations

from datetime import date

from django.db import transaction

from tenants.ledger.services import activity_account_create
from tenants.members.models import Member
from tenants.registry.validators import currency_codes

from . import errors
from .models import STAGE_ORDER, Activity, ActivityMember, ActivityRole, Stage, StageChange


def activity_create(
    *, name: str, currency: str, holder: Member, on: date, stage: str = Stage.IDEA, description: str = "", by: str = ""
) -> Activity:
    """A new activity with its holder, its ledger account and the first entry of its stage history."""
    name = (name or "").strip()
    if not name:
        raise errors.catalog.error(errors.NAME_REQUIRED, field="name")
    if stage not in STAGE_ORDER:
        raise errors.catalog.error(errors.STAGE_UNKNOWN, field="stage")
    if (currency or "").upper() not in currency_codes() or currency != currency.upper():
        raise errors.catalog.error(errors.CURRENCY_UNKNOWN, field="currency")
    with transaction.atomic():
        activity = Activity.objects.create(
            name=name, description=description, stage=stage, stage_since=on, currency=currency
        )
        ActivityMember.objects.create(activity=activity, member=holder, role=ActivityRole.HOLDER, joined_on=on)
        StageChange.objects.create(activity=activity, from_stage="", to_stage=stage, changed_on=on, changed_by=by)
        activity_account_create(activity_id=activity.pk, name=name)
    return activity


def activity_add_member(*, activity: Activity, member: Member, role: str, on: date) -> ActivityMember:
    if role not in ActivityRole.values:
        raise errors.catalog.error(errors.ROLE_UNKNOWN, field="role")
    if ActivityMember.objects.filter(activity=activity, member=member).exists():
        raise errors.catalog.error(errors.ALREADY_MEMBER, status=409)
    return ActivityMember.objects.create(activity=activity, member=member, role=role, joined_on=on)


def activity_change_stage(*, activity: Activity, to_stage: str, on: date, reason: str = "", by: str = "") -> Activity:
    """Move the activity to another stage, keeping the history; going back needs a reason."""
    if to_stage not in STAGE_ORDER:
        raise errors.catalog.error(errors.STAGE_UNKNOWN, field="stage")
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        if locked.stage == to_stage:
            raise errors.catalog.error(errors.STAGE_UNCHANGED, status=409)
        backwards = STAGE_ORDER.index(to_stage) < STAGE_ORDER.index(locked.stage)
        if backwards and not reason.strip():
            raise errors.catalog.error(errors.BACKWARDS_NEEDS_REASON, field="reason")
        StageChange.objects.create(
            activity=locked,
            from_stage=locked.stage,
            to_stage=to_stage,
            changed_on=on,
            reason=reason.strip(),
            changed_by=by,
        )
        locked.stage, locked.stage_since = to_stage, on
        locked.save(update_fields=["stage", "stage_since"])
    return locked
