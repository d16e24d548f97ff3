from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from config.errors import PlatformError
from tenants.billing.models import Invoice
from tenants.declarations.models import Declaration
from tenants.declarations.services import Performer, declare_performance
from tenants.ledger.models import JournalEntry, OutboxEvent
from tenants.ledger.selectors import activity_balance, trial_balance
from tenants.payroll.models import Contract

from .. import factories
from ..factories import line

pytestmark = pytest.mark.django_db
FROM, TO = datetime.date(2026, 5, 8), datetime.date(2026, 5, 9)


def _state():
    return (
        Invoice.objects.count(),
        Contract.objects.count(),
        JournalEntry.objects.count(),
        Declaration.objects.count(),
    )


def test_one_declaration_creates_invoice_contracts_levy_and_postings(in_books_eur):
    holder = factories.member()
    partner = factories.member()
    activity = factories.activity(holder=holder)
    from tenants.activities.services import activity_add_member

    activity_add_member(activity=activity, member=partner, role="partner", on=FROM)
    declaration = declare_performance(
        activity=activity,
        client=factories.client(),
        lines=[line("2000.00")],
        performers=[Performer(holder, Decimal("600.00")), Performer(partner, Decimal("400.00"), kind="fees")],
        performed_from=FROM,
        performed_to=TO,
        country="FR",
        by="alice",
    )
    invoice = declaration.invoice
    assert (invoice.status, invoice.total_gross, invoice.levy_amount) == (
        "issued",
        Decimal("2420.00"),
        Decimal("130.00"),
    )
    contracts = sorted(declaration.contracts.values_list("kind", "employer_cost", "country"))
    assert contracts == [("fees", Decimal("400.00"), "FR"), ("wage", Decimal("810.00"), "FR")]
    assert activity_balance(activity.pk, "EUR") == Decimal("660.00")  # 2000 - 130 - 810 - 400
    assert JournalEntry.objects.count() == 3
    assert OutboxEvent.objects.count() == 3
    assert sum(trial_balance()["EUR"].values()) == 0


def test_a_refused_part_leaves_nothing_behind(in_books_eur):
    holder = factories.member()
    activity = factories.activity(holder=holder)
    before = _state()
    with pytest.raises(PlatformError) as refused:
        declare_performance(
            activity=activity,
            client=factories.client(),
            lines=[line("1000.00")],
            performers=[Performer(holder, Decimal("700.00"))],  # costs 945.00 > 935.00
            performed_from=FROM,
            performed_to=TO,
            country="BE",
        )
    assert refused.value.code == "activity_balance_does_not_cover"
    assert _state() == before
    assert activity_balance(activity.pk, "EUR") == Decimal("0.00")
