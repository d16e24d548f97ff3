"""General assemblies: roll at the record date, one person one vote, remote window, proxies, secret
ballots that nobody can link to a voter, exact and immutable results."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import IntegrityError, InternalError, connection, transaction

from config.errors import PlatformError
from governance import services
from governance.models import (
    AgendaItem,
    Assembly,
    Ballot,
    Participation,
    Proxy,
    ResolutionResult,
    ResolutionType,
    RollEntry,
    ShareClass,
)

from .helpers import make_cooperator

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
RECORD = datetime.date(2026, 5, 1)
OPENS = datetime.datetime(2026, 5, 20, 8, tzinfo=UTC)
CLOSES = datetime.datetime(2026, 6, 6, 18, tzinfo=UTC)
IN_WINDOW = datetime.datetime(2026, 6, 1, 12, tzinfo=UTC)


def assembly(*, proxy_limit: int = 1, types=("ordinary",)) -> Assembly:
    a = services.assembly_create(
        kind="ordinary",
        title="AG 2026",
        date=datetime.date(2026, 6, 7),
        record_date=RECORD,
        remote_opens_at=OPENS,
        remote_closes_at=CLOSES,
        proxy_limit=proxy_limit,
        by="t",
    )
    services.assembly_session_add(assembly=a, place="Brussels", starts_at=datetime.datetime(2026, 6, 7, 10, tzinfo=UTC))
    services.assembly_session_add(assembly=a, place="Liège", starts_at=datetime.datetime(2026, 6, 7, 10, tzinfo=UTC))
    services.agenda_item_add(assembly=a, title="Annual report")  # information only
    for code in types:
        services.agenda_item_add(
            assembly=a, title=f"Resolution {code}", resolution_type=ResolutionType.objects.get(code=code)
        )
    return a


def resolution(a: Assembly, n: int = 0) -> AgendaItem:
    return list(a.items.filter(resolution_type__isnull=False).order_by("position"))[n]


def vote(item, voter, choice="for", channel="remote", now=IN_WINDOW, proxy_holder=None):
    services.vote_cast(
        item=item, voter=voter, choice=choice, channel=channel, by="t", now=now, proxy_holder=proxy_holder
    )


def _state(item):
    return (
        Ballot.objects.filter(item=item).count(),
        Participation.objects.filter(item=item).count(),
        Proxy.objects.count(),
        ResolutionResult.objects.count(),
    )


@pytest.fixture
def people(group):
    early = datetime.date(2026, 1, 10)
    coops = {name: make_cooperator(shares=1, on=early, name=name, gender="female") for name in "abcdef"}
    coops["rich"] = make_cooperator(shares=500, on=early, name="rich", category="legal_user")
    coops["late"] = make_cooperator(shares=3, on=datetime.date(2026, 5, 2), name="late")
    gone = make_cooperator(shares=2, on=early, name="gone")
    share_class = ShareClass.objects.get(category="natural_user", nominal=Decimal("30.00"))
    services.shares_redeem(
        cooperator=gone,
        share_class=share_class,
        count=2,
        on=datetime.date(2026, 4, 1),
        by="t",
        request_key=uuid.uuid4().hex,
    )
    coops["gone"] = gone
    return coops


def test_the_roll_is_the_register_at_the_record_date(people):
    a = assembly()
    services.assembly_convene(assembly=a, by="t")
    on_roll = set(RollEntry.objects.filter(assembly=a).values_list("cooperator__display_name", flat=True))
    mine = {c.display_name for c in people.values()}
    assert on_roll & mine == {"a", "b", "c", "d", "e", "f", "rich"}
    assert RollEntry.objects.get(assembly=a, cooperator=people["rich"]).shares == 500


def test_one_person_one_vote_and_exact_results(people):
    a = assembly()
    services.assembly_convene(assembly=a, by="t")
    item = resolution(a)
    vote(item, people["rich"], "against")  # 500 shares, one vote
    vote(item, people["a"], "for")
    vote(item, people["b"], "for", channel="session", now=datetime.datetime(2026, 6, 7, 11, tzinfo=UTC))
    vote(item, people["c"], "abstain")
    result = services.vote_close(item=item, by="t")
    eligible = RollEntry.objects.filter(assembly=a).count()
    assert (result.eligible, result.participants) == (eligible, 4)
    assert (result.votes_for, result.votes_against, result.abstentions) == (2, 1, 1)
    assert Fraction(int(result.for_numerator), int(result.for_denominator)) == Fraction(2, 3)
    assert (result.quorum_met, result.majority_met, result.adopted) == (True, True, True)


def test_a_tie_is_not_a_strict_majority_and_a_missed_quorum_rejects(people):
    a = assembly(types=("ordinary", "statutes_amendment"))
    services.assembly_convene(assembly=a, by="t")
    ordinary, statutes = resolution(a, 0), resolution(a, 1)
    vote(ordinary, people["a"], "for")
    vote(ordinary, people["b"], "against")
    for name in ("a", "b", "c"):
        vote(statutes, people[name], "for")
    services.assembly_close(assembly=a, by="t")
    r1, r2 = ResolutionResult.objects.get(item=ordinary), ResolutionResult.objects.get(item=statutes)
    assert (r1.majority_met, r1.adopted) == (False, False)
    eligible = r2.eligible
    # statutes: quorum 50 % of the roll; 3 of `eligible` took part.
    assert r2.quorum_met == (50 * eligible <= 3 * 100)
    assert r2.majority_met is True
    assert r2.adopted == r2.quorum_met


def test_college_weighting_is_exact(people):
    a = assembly()
    services.college_weight_set(assembly=a, category="natural_user", weight=Decimal(60))
    services.college_weight_set(assembly=a, category="legal_user", weight=Decimal(40))
    services.assembly_convene(assembly=a, by="t")
    item = resolution(a)
    vote(item, people["a"], "for")
    vote(item, people["b"], "against")
    vote(item, people["c"], "against")
    vote(item, people["rich"], "for")
    result = services.vote_close(item=item, by="t")
    # 60 % x 1/3 + 40 % x 1/1 = 60 %
    assert Fraction(int(result.for_numerator), int(result.for_denominator)) == Fraction(3, 5)
    assert result.majority_met is True
    assert (result.votes_for, result.votes_against) == (2, 2)


def test_weights_must_add_up_to_100(people):
    a = assembly()
    services.college_weight_set(assembly=a, category="natural_user", weight=Decimal(60))
    with pytest.raises(PlatformError) as refused:
        services.assembly_convene(assembly=a, by="t")
    assert refused.value.code == "governance_college_weights_not_100"
    a.refresh_from_db()
    assert a.status == "draft" and not RollEntry.objects.filter(assembly=a).exists()


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("twice", "governance_already_voted"),
        ("twice_other_channel", "governance_already_voted"),
        ("late_joiner", "governance_not_on_the_roll"),
        ("redeemed_before_record", "governance_not_on_the_roll"),
        ("before_window", "governance_outside_the_voting_window"),
        ("after_window", "governance_outside_the_voting_window"),
        ("information_item", "governance_not_a_resolution"),
        ("bad_choice", "governance_unknown_choice"),
        ("delegated", "governance_voter_has_delegated"),
        ("proxy_not_held", "governance_proxy_not_held"),
        ("after_close", "governance_vote_closed"),
        ("session_another_day", "governance_session_vote_not_today"),
    ],
)
def test_vote_refusals_write_nothing(people, case, code):
    a = assembly()
    services.assembly_convene(assembly=a, by="t")
    item = resolution(a)
    vote(item, people["a"])
    services.proxy_give(assembly=a, grantor=people["d"], holder=people["e"], by="t")
    if case == "after_close":
        services.vote_close(item=item, by="t")
    before = _state(item)
    calls = {
        "twice": lambda: vote(item, people["a"], "against"),
        "twice_other_channel": lambda: vote(
            item, people["a"], channel="session", now=datetime.datetime(2026, 6, 7, 11, tzinfo=UTC)
        ),
        "late_joiner": lambda: vote(item, people["late"]),
        "redeemed_before_record": lambda: vote(item, people["gone"]),
        "before_window": lambda: vote(item, people["b"], now=OPENS - datetime.timedelta(seconds=1)),
        "after_window": lambda: vote(item, people["b"], now=CLOSES),
        "information_item": lambda: vote(a.items.get(position=1), people["b"]),
        "bad_choice": lambda: vote(item, people["b"], "maybe"),
        "delegated": lambda: vote(item, people["d"]),
        "proxy_not_held": lambda: vote(item, people["d"], proxy_holder=people["f"]),
        "after_close": lambda: vote(item, people["b"]),
        "session_another_day": lambda: vote(item, people["b"], channel="session", now=IN_WINDOW),
    }
    with pytest.raises(PlatformError) as refused:
        calls[case]()
    assert refused.value.code == code
    assert _state(item) == before


def test_proxies_with_a_per_person_limit(people):
    a = assembly(proxy_limit=2)
    services.assembly_convene(assembly=a, by="t")
    item = resolution(a)
    services.proxy_give(assembly=a, grantor=people["a"], holder=people["c"], by="t")
    services.proxy_give(assembly=a, grantor=people["b"], holder=people["c"], by="t")
    refusals = {
        "governance_proxy_limit_reached": dict(grantor=people["d"], holder=people["c"]),
        "governance_proxy_to_self": dict(grantor=people["d"], holder=people["d"]),
        "governance_proxy_already_given": dict(grantor=people["a"], holder=people["e"]),
        "governance_proxy_holder_has_delegated": dict(grantor=people["e"], holder=people["a"]),
        "governance_not_on_the_roll": dict(grantor=people["late"], holder=people["e"]),
    }
    for code, kwargs in refusals.items():
        before = Proxy.objects.count()
        with pytest.raises(PlatformError) as refused:
            services.proxy_give(assembly=a, by="t", **kwargs)
        assert refused.value.code == code
        assert Proxy.objects.count() == before
    vote(item, people["a"], "for", proxy_holder=people["c"])
    vote(item, people["b"], "against", proxy_holder=people["c"])
    vote(item, people["c"], "for")
    result = services.vote_close(item=item, by="t")
    assert (result.participants, result.votes_for, result.votes_against) == (3, 2, 1)
    assert Participation.objects.filter(item=item, by_proxy=True).count() == 2


def test_results_and_votes_are_immutable_once_closed(people):
    a = assembly()
    services.assembly_convene(assembly=a, by="t")
    item = resolution(a)
    vote(item, people["a"], "for")
    result = services.vote_close(item=item, by="t")
    assert services.vote_close(item=item, by="t").pk == result.pk  # closing twice changes nothing
    statements = [
        ("UPDATE governance_resolutionresult SET votes_for = 99 WHERE id = %s", [result.pk]),
        ("DELETE FROM governance_resolutionresult WHERE id = %s", [result.pk]),
        ("UPDATE governance_ballot SET choice = 'against' WHERE item_id = %s", [item.pk]),
        ("DELETE FROM governance_ballot WHERE item_id = %s", [item.pk]),
        ("DELETE FROM governance_participation WHERE item_id = %s", [item.pk]),
        (
            "INSERT INTO governance_ballot (id, item_id, choice, college) VALUES (gen_random_uuid(), %s, 'for', '')",
            [item.pk],
        ),
    ]
    for sql, params in statements:
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    result.refresh_from_db()
    assert (result.votes_for, Ballot.objects.filter(item=item, choice="for").count()) == (1, 1)


def test_a_secret_ballot_cannot_be_linked_to_its_voter(people):
    """No column of the ballot table says who or when, its key is random, and no table refers to it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name = 'governance_ballot'"
        )
        assert {row[0] for row in cursor.fetchall()} == {"id", "item_id", "choice", "college"}
        cursor.execute(
            "SELECT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
            "AND confrelid IN ('governance_ballot'::regclass, 'governance_participation'::regclass)"
        )
        assert cursor.fetchall() == []
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name = 'governance_participation'"
        )
        assert {row[0] for row in cursor.fetchall()} == {"id", "item_id", "cooperator_id", "channel", "by_proxy"}
    a = assembly()
    services.assembly_convene(assembly=a, by="t")
    item = resolution(a)
    for name, choice in (("a", "for"), ("b", "against"), ("c", "for")):
        vote(item, people[name], choice)
    ids = list(Ballot.objects.filter(item=item).values_list("id", flat=True))
    assert all(i.version == 4 for i in ids)
    # vote_cast returns nothing: no caller ever holds the ballot and the voter together.
    assert services.vote_cast.__annotations__["return"] in ("None", None)


def test_an_assembly_is_fixed_once_convened(people):
    a = assembly()
    services.assembly_convene(assembly=a, by="t")
    with pytest.raises(PlatformError) as refused:
        services.agenda_item_add(assembly=a, title="Late point")
    assert refused.value.code == "governance_assembly_not_draft"
    with pytest.raises(PlatformError):
        services.assembly_convene(assembly=a, by="t")


def test_after_the_close_no_transaction_id_links_a_ballot_to_a_participation(people):
    a = assembly()
    services.assembly_convene(assembly=a, by="t")
    item = resolution(a)
    for name, choice in (("a", "for"), ("b", "against"), ("c", "abstain")):
        vote(item, people[name], choice)
    services.vote_close(item=item, by="t")
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT xmin::text FROM governance_ballot WHERE item_id = %s", [item.pk])
        ballot_xmins = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT xmin::text FROM governance_participation WHERE item_id = %s", [item.pk])
        participation_xmins = {row[0] for row in cursor.fetchall()}
    assert len(ballot_xmins) == 1
    assert not ballot_xmins & participation_xmins
    assert sorted(Ballot.objects.filter(item=item).values_list("choice", flat=True)) == ["abstain", "against", "for"]


def test_the_roll_cannot_be_taken_before_the_record_date(people):
    a = assembly()
    with pytest.raises(PlatformError) as refused:
        services.assembly_convene(assembly=a, by="t", now=datetime.datetime(2026, 4, 30, 12, tzinfo=UTC))
    assert refused.value.code == "governance_record_date_in_the_future"
    a.refresh_from_db()
    assert a.status == "draft" and not RollEntry.objects.filter(assembly=a).exists()
