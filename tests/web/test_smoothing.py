"""Income smoothing on the staff pages: the simulator on the member's page, the alert on the home page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tenants.billing.services import document_create, document_issue
from tenants.payroll.smoothing import smoothing_fund, smoothing_open

from .. import factories
from ..factories import line
from .conftest import money, rows

pytestmark = pytest.mark.django_db


def test_member_page_simulates_and_home_page_warns_before_the_reserve_runs_dry(books):
    today = timezone.localdate()
    with books.inside():
        holder = factories.member()
        activity = factories.activity(holder=holder)
        doc = document_create(
            kind="invoice", activity=activity, client=factories.client(), currency="EUR", lines=[line("12000.00")]
        )
        document_issue(invoice=doc, on=today - datetime.timedelta(days=30))  # 11220.00 net of the levy
        agreement = smoothing_open(
            member=holder,
            activities=[activity],
            currency="EUR",
            monthly_gross=Decimal("1000.00"),
            starts_on=today.replace(day=1),
        )
        smoothing_fund(agreement=agreement, activity=activity, amount=Decimal("1350.00"), on=today)  # one month
    page = books.get("member_detail", member_id=holder.public_id)
    assert page.status_code == 200
    # income credited to the activity (11220.00) / 12 months / 1.35 employer cost
    assert money(page, "smoothing-gross") == Decimal("692.59")
    home = books.get("home")
    alerts = rows(home, "smoothing-alerts")
    assert len(alerts) == 1
    assert holder.display_name in alerts[0]
    # Reserve 1350,00 (French page), one month covered, 1350,00 missing to reach two months.
    assert alerts[0] == f"{holder.display_name} 1350,00 EUR 1 1350,00 EUR"
