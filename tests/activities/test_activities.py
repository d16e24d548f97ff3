from __future__ import annotations

import datetime

import pytest

from config.errors import PlatformError
from tenants.activities import errors
from tenants.activities.models import StageChange
from tenants.activities.services import activity_change_stage
from tenants.ledger.models import Account

from .. import factories

pytestmark = pytest.mark.django_db


def test_an_activity_has_its_account_and_its_stage_history(in_books_eur):
    activity = factories.activity()
    assert Account.objects.get(activity=activity).kind == "activity"
    activity_change_stage(activity=activity, to_stage="experimentation", on=datetime.date(2026, 4, 1), by="alice")
    activity_change_stage(activity=activity, to_stage="consolidation", on=datetime.date(2026, 9, 1))
    activity.refresh_from_db()
    assert (activity.stage, activity.stage_since) == ("consolidation", datetime.date(2026, 9, 1))
    history = list(StageChange.objects.filter(activity=activity).values_list("from_stage", "to_stage", "changed_on"))
    assert history == [
        ("", "start", datetime.date(2026, 3, 2)),
        ("start", "experimentation", datetime.date(2026, 4, 1)),
        ("experimentation", "consolidation", datetime.date(2026, 9, 1)),
    ]


def test_going_back_needs_a_reason(in_books_eur):
    activity = factories.activity()
    activity_change_stage(activity=activity, to_stage="development", on=datetime.date(2026, 4, 1))
    with pytest.raises(PlatformError) as refused:
        activity_change_stage(activity=activity, to_stage="start", on=datetime.date(2026, 5, 1), reason="  ")
    assert refused.value.code == errors.BACKWARDS_NEEDS_REASON
    assert StageChange.objects.filter(activity=activity).count() == 2
    activity_change_stage(
        activity=activity, to_stage="start", on=datetime.date(2026, 5, 1), reason="lost the main client"
    )
    assert StageChange.objects.filter(activity=activity).last().reason == "lost the main client"


@pytest.mark.parametrize(("to", "code"), [("start", errors.STAGE_UNCHANGED), ("unicorn", errors.STAGE_UNKNOWN)])
def test_bad_stage_changes_are_refused(in_books_eur, to, code):
    activity = factories.activity()
    with pytest.raises(PlatformError) as refused:
        activity_change_stage(activity=activity, to_stage=to, on=datetime.date(2026, 4, 1))
    assert refused.value.code == code
    activity.refresh_from_db()
    assert activity.stage == "start"


def test_unknown_currency_or_role_is_refused(in_books_eur):
    from tenants.activities.models import Activity
    from tenants.activities.services import activity_add_member, activity_create

    holder = factories.member()
    before = Activity.objects.count()
    with pytest.raises(PlatformError) as refused:
        activity_create(name="Tour", currency="EURO", holder=holder, on=datetime.date(2026, 4, 1))
    assert refused.value.code == errors.CURRENCY_UNKNOWN
    assert Activity.objects.count() == before
    activity = factories.activity(holder=holder)
    with pytest.raises(PlatformError) as refused:
        activity_add_member(activity=activity, member=factories.member(), role="owner", on=datetime.date(2026, 4, 1))
    assert refused.value.code == errors.ROLE_UNKNOWN
    assert activity.memberships.count() == 1
