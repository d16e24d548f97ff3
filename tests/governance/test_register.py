"""The share register: purchases, transfers and redemptions at nominal value, holdings computed
from an append-only record, capital totals, certificates; no dividend, no revaluation."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, InternalError, connection, transaction

from config.errors import PlatformError
from governance import selectors, services
from governance.models import Cooperator, ShareClass, ShareTransaction, StakeholderCategory, TransactionKind
from tenants.ledger.models import AccountKind, EntryKind
from tenants.members.models import StakeholderCategory as MemberCategory

from .helpers import make_cooperator

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 1)


def _state() -> tuple[int, int, list[tuple[int, int]]]:
    return (
        Cooperator.objects.count(),
        ShareTransaction.objects.count(),
        sorted(selectors.holdings_by_cooperator().items()),
    )


def test_the_six_categories_are_the_members_ones():
    assert StakeholderCategory.choices == MemberCategory.choices


def test_admission_buys_shares_at_the_nominal_value_in_force(group):
    coop = make_cooperator(shares=3, gender="female", on=DAY)
    ((share_class, held),) = selectors.holdings_of(cooperator=coop)
    assert held == 3
    assert (share_class.nominal, share_class.currency, share_class.category) == (
        Decimal("30.00"),
        "EUR",
        "natural_user",
    )
    tx = ShareTransaction.objects.get(to_cooperator=coop)
    assert (tx.kind, tx.count, tx.price_per_share, tx.amount) == ("purchase", 3, Decimal("30.00"), Decimal("90.00"))
    assert selectors.shares_held(person_id=coop.person_id) == 3


def test_a_new_nominal_value_makes_a_new_class_and_issued_shares_keep_theirs(group):
    from governance.models import NominalValue

    coop = make_cooperator(shares=2, on=DAY)
    NominalValue.objects.create(effective_from=datetime.date(2026, 1, 1), amount=Decimal("35.00"), currency="EUR")
    services.shares_purchase(cooperator=coop, count=1, on=datetime.date(2026, 2, 1), by="t", request_key="k-new")
    holdings = {(c.nominal, n) for c, n in selectors.holdings_of(cooperator=coop)}
    assert holdings == {(Decimal("30.00"), 2), (Decimal("35.00"), 1)}
    # On a day before the new value, only the old class existed in that cooperator's hands.
    assert {(c.nominal, n) for c, n in selectors.holdings_of(cooperator=coop, on=DAY)} == {(Decimal("30.00"), 2)}


def test_transfer_and_redemption_at_nominal(group):
    anna = make_cooperator(shares=5, on=DAY)
    ben = make_cooperator(shares=1, on=DAY)
    share_class = ShareClass.objects.get(category="natural_user", nominal=Decimal("30.00"))
    services.shares_transfer(
        from_cooperator=anna, to_cooperator=ben, share_class=share_class, count=2, on=DAY, by="t", request_key="t1"
    )
    services.shares_redeem(
        cooperator=ben,
        share_class=share_class,
        count=1,
        on=DAY,
        by="t",
        request_key="r1",
        price_per_share=Decimal("30.00"),
    )
    assert selectors.holding(cooperator=anna, share_class=share_class) == 3
    assert selectors.holding(cooperator=ben, share_class=share_class) == 2
    # The same request sent twice is recorded once.
    services.shares_redeem(cooperator=ben, share_class=share_class, count=1, on=DAY, by="t", request_key="r1")
    assert selectors.holding(cooperator=ben, share_class=share_class) == 2


@pytest.mark.parametrize(
    ("action", "code"),
    [
        ("transfer_too_many", "governance_shares_not_held"),
        ("transfer_other_class", "governance_shares_not_held"),
        ("transfer_to_self", "governance_transfer_to_self"),
        ("redeem_too_many", "governance_shares_not_held"),
        ("redeem_above_nominal", "governance_above_nominal"),
        ("redeem_below_nominal", "governance_not_at_nominal"),
        ("transfer_above_nominal", "governance_above_nominal"),
        ("purchase_above_nominal", "governance_above_nominal"),
        ("purchase_zero", "governance_share_count_not_positive"),
        ("dividend", "governance_no_dividend"),
        ("revaluation", "governance_no_revaluation"),
        ("admit_twice", "governance_already_a_cooperator"),
        ("redeem_backdated", "governance_movement_backdated"),
        ("transfer_backdated", "governance_movement_backdated"),
    ],
)
def test_refusals_have_a_code_and_write_nothing(group, action, code):
    anna = make_cooperator(shares=2, on=DAY)
    ben = make_cooperator(shares=1, on=DAY, category="supplier")
    natural = ShareClass.objects.get(category="natural_user", nominal=Decimal("30.00"))
    supplier = ShareClass.objects.get(category="supplier", nominal=Decimal("30.00"))
    common = {"on": DAY, "by": "t", "request_key": uuid.uuid4().hex}
    calls = {
        "transfer_too_many": lambda: services.shares_transfer(
            from_cooperator=anna, to_cooperator=ben, share_class=natural, count=3, **common
        ),
        "transfer_other_class": lambda: services.shares_transfer(
            from_cooperator=anna, to_cooperator=ben, share_class=supplier, count=1, **common
        ),
        "transfer_to_self": lambda: services.shares_transfer(
            from_cooperator=anna, to_cooperator=anna, share_class=natural, count=1, **common
        ),
        "redeem_too_many": lambda: services.shares_redeem(cooperator=anna, share_class=natural, count=3, **common),
        "redeem_above_nominal": lambda: services.shares_redeem(
            cooperator=anna, share_class=natural, count=1, price_per_share=Decimal("30.01"), **common
        ),
        "redeem_below_nominal": lambda: services.shares_redeem(
            cooperator=anna, share_class=natural, count=1, price_per_share=Decimal("29.00"), **common
        ),
        "transfer_above_nominal": lambda: services.shares_transfer(
            from_cooperator=anna,
            to_cooperator=ben,
            share_class=natural,
            count=1,
            price_per_share=Decimal("45.00"),
            **common,
        ),
        "purchase_above_nominal": lambda: services.shares_purchase(
            cooperator=anna, count=1, price_per_share=Decimal("31"), **common
        ),
        "purchase_zero": lambda: services.shares_purchase(cooperator=anna, count=0, **common),
        "dividend": lambda: services.shares_dividend_pay(amount=Decimal("1.00")),
        "revaluation": lambda: services.shares_revalue(share_class=natural, nominal=Decimal("40.00")),
        "admit_twice": lambda: make_cooperator(anna.person_id),
        "redeem_backdated": lambda: services.shares_redeem(
            cooperator=anna, share_class=natural, count=1, **{**common, "on": DAY - datetime.timedelta(days=1)}
        ),
        "transfer_backdated": lambda: services.shares_transfer(
            from_cooperator=anna,
            to_cooperator=ben,
            share_class=natural,
            count=1,
            **{**common, "on": DAY - datetime.timedelta(days=1)},
        ),
    }
    before = _state()
    with pytest.raises(PlatformError) as refused:
        calls[action]()
    assert refused.value.code == code
    assert str(refused.value.message)
    assert _state() == before


def test_the_register_has_no_dividend_or_revaluation_kind():
    assert set(TransactionKind.values) == {"purchase", "transfer", "redemption"}


def test_shares_are_never_paid_from_an_activitys_budget():
    """No entity ledger kind moves shares: buying shares is the person's payment to SMart Coop."""
    for value in [*EntryKind.values, *AccountKind.values]:
        assert "share" not in value and "capital" not in value and "cooperat" not in value


def test_the_database_refuses_changes_and_negative_holdings(group):
    anna = make_cooperator(shares=2, on=DAY)
    tx = ShareTransaction.objects.get(to_cooperator=anna)
    for statement in (
        "UPDATE governance_sharetransaction SET count = 1000 WHERE id = %s",
        "DELETE FROM governance_sharetransaction WHERE id = %s",
        "UPDATE governance_shareclass SET nominal = 40"
        " WHERE id = (SELECT share_class_id FROM governance_sharetransaction WHERE id = %s)",
    ):
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [tx.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareTransaction.objects.create(
            kind="redemption",
            share_class=tx.share_class,
            count=3,
            price_per_share=tx.price_per_share,
            currency="EUR",
            from_cooperator=anna,
            on=DAY,
            recorded_by="t",
            request_key="raw",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareTransaction.objects.create(
            kind="dividend",
            share_class=tx.share_class,
            count=3,
            price_per_share=tx.price_per_share,
            currency="EUR",
            to_cooperator=anna,
            on=DAY,
            recorded_by="t",
            request_key="raw2",
        )
    assert selectors.holding(cooperator=anna, share_class=tx.share_class) == 2


def test_capital_totals_by_category_and_entity(group):
    before_cat = selectors.capital_totals(by="category")
    before_ent = selectors.capital_totals(by="entity")
    make_cooperator(shares=3, on=DAY, entity=group.alpha.entity)
    sup = make_cooperator(shares=2, on=DAY, entity=group.beta.entity, category="supplier")
    make_cooperator(shares=1, on=DAY, entity=group.beta.entity, category="partner")
    supplier = ShareClass.objects.get(category="supplier", nominal=Decimal("30.00"))
    services.shares_redeem(cooperator=sup, share_class=supplier, count=1, on=DAY, by="t", request_key="x")

    def delta(after, before):
        return {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}

    assert delta(selectors.capital_totals(by="category"), before_cat) == {
        ("natural_user", "EUR"): Decimal("90.00"),
        ("partner", "EUR"): Decimal("30.00"),
        ("supplier", "EUR"): Decimal("30.00"),
    }
    assert delta(selectors.capital_totals(by="entity"), before_ent) == {
        ("t-alpha", "EUR"): Decimal("90.00"),
        ("t-beta", "EUR"): Decimal("60.00"),
    }


def test_certificate_is_a_pdf_in_the_cooperators_language(group):
    for language, title in (("fr", "SMart Coop"), ("en", "SMart Coop: share certificate")):
        coop = make_cooperator(shares=2, on=DAY, language=language, name="Zoë Kovács")
        pdf = services.share_certificate_pdf(cooperator=coop, on=DAY)
        assert pdf.startswith(b"%PDF")
        assert title.encode("utf-16-be") in pdf or title.encode() in pdf
