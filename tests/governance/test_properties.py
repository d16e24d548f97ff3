"""Property tests: random registers and random ballots against an independent model."""

from __future__ import annotations

import datetime
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.errors import PlatformError
from governance import selectors, services
from governance.models import Participation, ResolutionType, ShareClass

from .helpers import make_cooperator

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 2, 1)
PROPERTY = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

operations = st.lists(
    st.one_of(
        st.tuples(st.just("purchase"), st.integers(0, 3), st.integers(1, 5)),
        st.tuples(st.just("redeem"), st.integers(0, 3), st.integers(1, 6)),
        st.tuples(st.just("transfer"), st.integers(0, 3), st.integers(1, 6), st.integers(0, 3)),
    ),
    max_size=25,
)


@PROPERTY
@given(initial=st.lists(st.integers(1, 4), min_size=4, max_size=4), ops=operations)
def test_holdings_follow_an_independent_model_and_capital_is_their_sum_at_nominal(group, initial, ops):
    with transaction.atomic():
        baseline = selectors.capital_total().get("EUR", Decimal(0))
        coops = [make_cooperator(shares=n, on=DAY) for n in initial]
        share_class = ShareClass.objects.get(category="natural_user", nominal=Decimal("30.00"))
        model = list(initial)
        for op in ops:
            kind, i, count = op[0], op[1], op[2]
            key = uuid.uuid4().hex
            code = None
            try:
                if kind == "purchase":
                    services.shares_purchase(cooperator=coops[i], count=count, on=DAY, by="p", request_key=key)
                elif kind == "redeem":
                    services.shares_redeem(
                        cooperator=coops[i], share_class=share_class, count=count, on=DAY, by="p", request_key=key
                    )
                else:
                    services.shares_transfer(
                        from_cooperator=coops[i],
                        to_cooperator=coops[op[3]],
                        share_class=share_class,
                        count=count,
                        on=DAY,
                        by="p",
                        request_key=key,
                    )
            except PlatformError as refused:
                code = refused.code
            if code is not None:
                if kind == "transfer" and i == op[3]:
                    assert code == "governance_transfer_to_self"
                else:
                    assert kind != "purchase" and model[i] < count
                    assert code == "governance_shares_not_held"
                continue
            assert kind == "purchase" or model[i] >= count
            if kind == "purchase":
                model[i] += count
            elif kind == "redeem":
                model[i] -= count
            else:
                assert i != op[3]
                model[i] -= count
                model[op[3]] += count
        assert [selectors.holding(cooperator=c, share_class=share_class) for c in coops] == model
        assert all(n >= 0 for n in model)
        assert selectors.capital_total().get("EUR", Decimal(0)) - baseline == sum(model) * Decimal("30.00")
        transaction.set_rollback(True)


attempts = st.lists(st.tuples(st.integers(0, 7), st.sampled_from(["for", "against", "abstain"])), max_size=30)


@PROPERTY
@given(eligible=st.integers(1, 6), ineligible=st.integers(0, 2), votes=attempts)
def test_nobody_votes_twice_ineligible_are_refused_and_the_tally_is_exact(group, eligible, ineligible, votes):
    with transaction.atomic():
        voters = [make_cooperator(shares=1, on=datetime.date(2026, 1, 5)) for _ in range(eligible)]
        # Joined after the record date: not on the roll.
        voters += [make_cooperator(shares=9, on=datetime.date(2026, 5, 5)) for _ in range(ineligible)]
        assembly = services.assembly_create(
            kind="ordinary",
            title="P",
            date=datetime.date(2026, 6, 1),
            record_date=datetime.date(2026, 5, 1),
            remote_opens_at=datetime.datetime(2026, 5, 10, tzinfo=datetime.UTC),
            remote_closes_at=datetime.datetime(2026, 5, 31, tzinfo=datetime.UTC),
            proxy_limit=1,
            by="p",
        )
        item = services.agenda_item_add(
            assembly=assembly, title="R", resolution_type=ResolutionType.objects.get(code="ordinary")
        )
        services.assembly_convene(assembly=assembly, by="p")
        counted: dict[int, str] = {}
        for index, choice in votes:
            if index >= len(voters):
                continue
            code = None
            try:
                services.vote_cast(
                    item=item,
                    voter=voters[index],
                    choice=choice,
                    channel="remote",
                    by="p",
                    now=datetime.datetime(2026, 5, 20, tzinfo=datetime.UTC),
                )
            except PlatformError as refused:
                code = refused.code
            if code is not None:
                expected = "governance_not_on_the_roll" if index >= eligible else "governance_already_voted"
                assert code == expected
                assert index >= eligible or index in counted
                continue
            assert index < eligible and index not in counted
            counted[index] = choice
        voted = set(Participation.objects.filter(item=item).values_list("cooperator_id", flat=True))
        assert voted == {voters[i].pk for i in counted}
        result = services.vote_close(item=item, by="p")
        independent = Counter(counted.values())
        assert (result.votes_for, result.votes_against, result.abstentions) == (
            independent["for"],
            independent["against"],
            independent["abstain"],
        )
        assert (result.eligible, result.participants) == (eligible, len(counted))
        assert result.majority_met == (independent["for"] > independent["against"])
        transaction.set_rollback(True)
