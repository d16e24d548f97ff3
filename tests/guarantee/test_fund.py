"""The salary guarantee fund end to end, on real commits: a wage paid on D+7 working days with the
fund's advance while the client has not paid, the advance repaid first when the client pays, the
dunning ladder and the cover, contributions, limits, and every ledger balanced."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from config.errors import PlatformError
from shared_services.guarantee import services
from shared_services.guarantee.models import FundMovement, MovementKind, MovementStatus
from shared_services.guarantee.selectors import entity_states, exposure, fund_positions
from shared_services.models import PoolEntry, PoolLine
from shared_services.selectors import working_days_after
from tenants.activities.models import Activity
from tenants.billing.models import Invoice
from tenants.billing.services import payment_record
from tenants.guarantee import port
from tenants.ledger.models import EntryKind, JournalEntry
from tenants.ledger.selectors import trial_balance
from tenants.payroll.models import Contract

from .conftest import declare, endow

FRIDAY = datetime.date(2026, 3, 6)


def _pool_balanced() -> None:
    from django.db.models import Sum

    totals = PoolLine.objects.values("currency").annotate(total=Sum("amount"))
    assert all(row["total"] == 0 for row in totals)


def _books_balanced(entity) -> None:
    with tenant_context(entity):
        assert all(sum(accounts.values()) == 0 for accounts in trial_balance().values())


def test_working_days_skip_weekends_and_the_countrys_holidays(db):
    # Friday 2026-04-03; Monday 6 April is Easter Monday in Belgium, not in Sweden... (it is there too)
    assert working_days_after(country="BE", start=datetime.date(2026, 3, 6), days=7) == datetime.date(2026, 3, 17)
    assert working_days_after(country="BE", start=datetime.date(2026, 4, 3), days=7) == datetime.date(2026, 4, 15)
    # 1 May is a holiday in Belgium and Sweden, but 8 May (Victory Day) only in France.
    assert working_days_after(country="FR", start=datetime.date(2026, 5, 6), days=2) == datetime.date(2026, 5, 11)
    assert working_days_after(country="BE", start=datetime.date(2026, 5, 6), days=2) == datetime.date(2026, 5, 8)


def test_a_wage_is_paid_on_d_plus_7_with_the_funds_advance_and_repaid_first(fund_entities, committed, monkeypatch):
    from shared_services.guarantee.tasks import movement_execute

    # This test plays the worker's part itself (a session worker may be running: keep it out).
    monkeypatch.setattr(movement_execute, "send_on_commit", lambda *args, **kwargs: None)
    entity = fund_entities[0]
    endow("10000.00")
    perf = declare(entity, to=FRIDAY)  # 1000 net, levy 65, wage 500 x 1.35 = 675
    with tenant_context(entity):
        assert services.wage_due_on(performed_to=FRIDAY) == datetime.date(2026, 3, 17)
        assert port.activity_cash(perf.activity_id, "EUR") == Decimal("0.00")
        # Not due the day before: nothing happens.
        assert services.guarantee_wages_run(on=datetime.date(2026, 3, 16)) == {"paid": 0, "advanced": 0, "refused": 0}
        with pytest.raises(PlatformError) as refused:
            services.guarantee_wage_pay(contract_id=perf.contract_id, on=datetime.date(2026, 3, 16))
        assert refused.value.code == "guarantee_wage_not_due"
        assert services.guarantee_wages_run(on=datetime.date(2026, 3, 17)) == {"paid": 0, "advanced": 1, "refused": 0}
        movement = FundMovement.objects.get(subject_id=perf.contract_id)
        assert (movement.kind, movement.amount, movement.status) == ("advance", Decimal("675.00"), "decided")
        services.movement_execute(movement_id=movement.public_id)
        services.movement_execute(movement_id=movement.public_id)  # a replay changes nothing
        movement.refresh_from_db()
        assert movement.status == MovementStatus.EXECUTED
        contract = Contract.objects.get(public_id=perf.contract_id)
        assert (contract.status, contract.paid_on) == ("paid", datetime.date(2026, 3, 17))
        assert port.advance_outstanding(perf.activity_id, "EUR") == Decimal("675.00")
        wages, invoices = entity_states(on=datetime.date(2026, 3, 17))
        assert [w.state for w in wages if w.contract_id == perf.contract_id] == ["advanced"]
        assert [i.state for i in invoices if i.invoice_id == perf.invoice_id] == ["advanced"]
        assert exposure(currency="EUR", entity_id=entity.pk).advances == Decimal("675.00")

        # The client pays: the advance comes back to the fund first, in the same transaction.
        payment_record(
            invoice=Invoice.objects.get(public_id=perf.invoice_id),
            amount=Decimal("1210.00"),
            currency="EUR",
            on=datetime.date(2026, 3, 20),
        )
        assert port.advance_outstanding(perf.activity_id, "EUR") == Decimal("0.00")
        repayment = FundMovement.objects.get(entity=entity, kind=MovementKind.REPAYMENT)
        assert (repayment.amount, repayment.status) == (Decimal("675.00"), "executed")
        assert port.activity_cash(perf.activity_id, "EUR") == Decimal("260.00")  # 935 - 675
        wages, invoices = entity_states(on=datetime.date(2026, 3, 20))
        assert [w.state for w in wages if w.contract_id == perf.contract_id] == ["recovered"]
        assert [i.state for i in invoices if i.invoice_id == perf.invoice_id] == ["paid"]
        kinds = sorted(JournalEntry.objects.values_list("kind", flat=True))
        assert kinds.count(EntryKind.GUARANTEE_ADVANCE) == 1 and kinds.count(EntryKind.GUARANTEE_REPAYMENT) == 1
        assert exposure(currency="EUR", entity_id=entity.pk).advances == Decimal("0.00")
    _books_balanced(entity)
    _pool_balanced()


def test_a_wage_the_activity_can_pay_costs_the_fund_nothing(fund_entities, committed):
    entity = fund_entities[1]
    perf = declare(entity, to=FRIDAY)
    with tenant_context(entity):
        payment_record(
            invoice=Invoice.objects.get(public_id=perf.invoice_id),
            amount=Decimal("1210.00"),
            currency="EUR",
            on=datetime.date(2026, 3, 9),
        )
        assert services.guarantee_wage_pay(contract_id=perf.contract_id, on=datetime.date(2026, 3, 17)) is None
        assert Contract.objects.get(public_id=perf.contract_id).status == "paid"
        assert not FundMovement.objects.filter(subject_id=perf.contract_id).exists()
        with pytest.raises(PlatformError) as again:
            services.guarantee_wage_pay(contract_id=perf.contract_id, on=datetime.date(2026, 3, 18))
        assert again.value.code == "guarantee_wage_already_paid"
    _books_balanced(entity)


def test_dunning_ladder_then_cover_recovery_and_write_off(fund_entities, committed):
    entity = fund_entities[1]
    endow("5000.00")
    perf = declare(entity, to=datetime.date(2026, 1, 9), gross="100.00")  # due 30 days after issue
    with tenant_context(entity):
        invoice = Invoice.objects.get(public_id=perf.invoice_id)
        due = invoice.due_date
        assert due is not None
        assert services.guarantee_dunning_run(on=due + datetime.timedelta(days=6))["steps"] == 0
        assert services.guarantee_dunning_run(on=due + datetime.timedelta(days=7))["steps"] == 1
        assert services.guarantee_dunning_run(on=due + datetime.timedelta(days=8))["steps"] == 0
        assert services.guarantee_dunning_run(on=due + datetime.timedelta(days=30))["steps"] == 1
        result = services.guarantee_dunning_run(on=due + datetime.timedelta(days=60))
        assert result == {"steps": 0, "covered": 1, "refused": 0}
        cover = FundMovement.objects.get(subject_id=perf.invoice_id, kind=MovementKind.COVER)
        assert cover.amount == Decimal("1210.00")
        services.movement_execute(movement_id=cover.public_id)
        invoice.refresh_from_db()
        assert invoice.status == "paid"
        assert port.invoice_facts(perf.invoice_id).steps == ("reminder", "formal_notice", "cover")
        assert JournalEntry.objects.filter(kind=EntryKind.GUARANTEE_COVER).count() == 1
        _, invoices = entity_states(on=due + datetime.timedelta(days=60))
        assert [i.state for i in invoices if i.invoice_id == perf.invoice_id] == ["covered"]
        # Recovery and write-off, each request once even if the form is sent twice.
        on = due + datetime.timedelta(days=90)
        services.claim_recover(invoice_id=perf.invoice_id, amount=Decimal("1000.00"), on=on, request_key="r1")
        services.claim_recover(invoice_id=perf.invoice_id, amount=Decimal("1000.00"), on=on, request_key="r1")
        with pytest.raises(PlatformError) as over:
            services.claim_write_off(invoice_id=perf.invoice_id, amount=Decimal("300.00"), on=on, request_key="w0")
        assert over.value.code == "guarantee_amount_over_claim"
        assert not FundMovement.objects.filter(idempotency_key="guarantee.write_off:w0").exists()
        services.claim_write_off(invoice_id=perf.invoice_id, amount=Decimal("210.00"), on=on, request_key="w1")
        _, invoices = entity_states(on=on)
        assert [i.state for i in invoices if i.invoice_id == perf.invoice_id] == ["written_off"]
        assert exposure(currency="EUR", entity_id=entity.pk).claims == Decimal("0.00")
    _books_balanced(entity)
    _pool_balanced()


def test_contributions_are_the_guarantee_share_of_the_levy_once_per_period(fund_entities, committed):
    entity = fund_entities[0]
    before = {p.currency: p.contributions for p in fund_positions()}.get("EUR", Decimal(0))
    with tenant_context(entity):
        levy = port.levy_between(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))["EUR"]
        assert levy == Decimal("65.00")
        first = services.guarantee_entity_daily(on=datetime.date(2026, 4, 1))
        assert first["contributions"] == 1
        services.guarantee_contribute(period_start=datetime.date(2026, 3, 1), period_end=datetime.date(2026, 3, 31))
        movement = FundMovement.objects.get(entity=entity, kind=MovementKind.CONTRIBUTION)
        assert movement.amount == Decimal("16.25")  # 25 % of the levy (policy allocation)
        assert JournalEntry.objects.filter(kind=EntryKind.FUND_CONTRIBUTION).count() == 1
    after = {p.currency: p.contributions for p in fund_positions()}["EUR"]
    assert after - before == Decimal("16.25")
    _books_balanced(entity)


def test_limits_refuse_with_the_figures_and_write_nothing(fund_entities, committed):
    from shared_services.guarantee.models import FundLimit

    entity = fund_entities[1]
    endow("10000.00")
    FundLimit.objects.create(scope="entity", entity=entity, currency="EUR", amount=Decimal("100.00"))
    try:
        perf = declare(entity, to=FRIDAY)
        with tenant_context(entity):
            movements_before = FundMovement.objects.count()
            entries_before = PoolEntry.objects.count()
            with pytest.raises(PlatformError) as refused:
                services.guarantee_wage_pay(contract_id=perf.contract_id, on=datetime.date(2026, 3, 17))
            assert refused.value.code == "guarantee_entity_limit_exceeded"
            assert refused.value.details["limit"] == "100.00"
            assert FundMovement.objects.count() == movements_before
            assert PoolEntry.objects.count() == entries_before
            assert Contract.objects.get(public_id=perf.contract_id).status == "signed"
            assert services.guarantee_wages_run(on=datetime.date(2026, 3, 17))["refused"] >= 1
    finally:
        FundLimit.objects.filter(entity=entity).delete()


def test_a_client_paying_between_decision_and_execution_shrinks_the_advance_to_nothing(
    fund_entities, committed, monkeypatch
):
    from shared_services.guarantee.tasks import movement_execute

    # The decision's message is still in the queue when the client pays (no worker picks it up here).
    monkeypatch.setattr(movement_execute, "send_on_commit", lambda *args, **kwargs: None)
    entity = fund_entities[0]
    endow("2000.00")
    perf = declare(entity, to=FRIDAY)
    with tenant_context(entity):
        movement = services.guarantee_wage_pay(contract_id=perf.contract_id, on=datetime.date(2026, 3, 17))
        assert movement is not None and movement.amount == Decimal("675.00")
        payment_record(
            invoice=Invoice.objects.get(public_id=perf.invoice_id),
            amount=Decimal("1210.00"),
            currency="EUR",
            on=datetime.date(2026, 3, 17),
        )
        done = services.movement_execute(movement_id=movement.public_id)
        assert done.status == MovementStatus.CANCELLED
        assert not PoolEntry.objects.filter(idempotency_key=movement.idempotency_key).exists()
        assert Contract.objects.get(public_id=perf.contract_id).status == "paid"
        assert port.advance_outstanding(perf.activity_id, "EUR") == Decimal("0.00")
    _books_balanced(entity)


def _cash_read_step_by_step(activity, currency: str) -> Decimal:
    """The activity's cash as the fund defines it, computed one figure at a time (the reference for
    the one-statement read)."""
    from django.db.models import Sum

    from tenants.billing.models import FUNDING_KINDS, Invoice, InvoiceKind, InvoiceStatus
    from tenants.billing.services import document_due
    from tenants.ledger.models import AccountKind, JournalLine
    from tenants.ledger.money import round_amount
    from tenants.ledger.selectors import activity_balance

    def total(kinds):  # type: ignore[no-untyped-def]
        lines = JournalLine.objects.filter(account__kind__in=kinds, activity_id=activity.pk, currency=currency)
        return lines.aggregate(total=Sum("amount"))["total"] or Decimal(0)

    uncollected = Decimal(0)
    for doc in Invoice.objects.filter(
        activity=activity,
        currency=currency,
        kind__in=[InvoiceKind.INVOICE, *FUNDING_KINDS],
        status__in=[InvoiceStatus.ISSUED, InvoiceStatus.PARTLY_PAID],
    ):
        due = document_due(doc)
        if due > 0 and doc.total_gross > 0:
            uncollected += due * (doc.total_net - doc.levy_amount) / doc.total_gross
    commitments = -total(port._COMMITMENTS)
    advances = -total((AccountKind.GUARANTEE_ADVANCE_PAYABLE,))
    return round_amount(activity_balance(activity.pk, currency) - uncollected + commitments + advances, currency)


def test_the_activitys_cash_is_read_in_one_statement_and_equals_the_step_by_step_figure(in_books_eur):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenants.billing.services import credit_note_issue
    from tests import factories
    from tests.guarantee.conftest import declare

    perf = declare(in_books_eur, to=FRIDAY, net="1000.00")
    activity = Activity.objects.get(public_id=perf.activity_id)
    invoice = Invoice.objects.get(public_id=perf.invoice_id)
    figures = []
    steps = [
        lambda: None,
        lambda: payment_record(invoice=invoice, amount=Decimal("300.00"), currency="EUR", on=FRIDAY),
        lambda: credit_note_issue(invoice=invoice, lines=[factories.line("100.00")], on=FRIDAY),
        lambda: payment_record(invoice=invoice, amount=Decimal("789.00"), currency="EUR", on=FRIDAY),
    ]
    for step in steps:
        step()
        with CaptureQueriesContext(connection) as queries:
            cash = port.activity_cash(perf.activity_id, "EUR")
        assert len([q for q in queries.captured_queries if "WITH totals" in q["sql"]]) == 1
        assert len(queries.captured_queries) == 2  # the activity by its public id, then the figures
        assert cash == _cash_read_step_by_step(activity, "EUR")
        figures.append(cash)
    assert figures[0] == Decimal("0.00") and len(set(figures)) > 1  # the payments and the credit note count
