"""Concurrent requests on committed data (real transactions, one connection per thread): the same
shares cannot leave a holder twice, and the same voter cannot vote twice, however the requests race.

Committed rows stay (the register is append-only): they are dated 2099, after every record date and
every day the other tests look at."""

from __future__ import annotations

import datetime
import threading
import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection

from config.errors import PlatformError
from governance import selectors, services
from governance.models import Ballot, Participation, ResolutionType, ShareClass

from .helpers import make_cooperator

FAR = datetime.date(2099, 1, 4)


@pytest.fixture
def committed(group, django_db_blocker):
    with django_db_blocker.unblock():
        yield


def _race(count: int, work: Callable[[int], object]) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def runner(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except PlatformError as error:
            results[index] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_same_shares_leave_their_holder_once(committed):
    holder = make_cooperator(shares=3, on=FAR)
    others = [make_cooperator(shares=1, on=FAR) for _ in range(4)]
    share_class = ShareClass.objects.get(category="natural_user", nominal=Decimal("30.00"))

    def work(i: int) -> object:
        if i % 2:
            return services.shares_redeem(
                cooperator=holder, share_class=share_class, count=2, on=FAR, by="t", request_key=uuid.uuid4().hex
            )
        return services.shares_transfer(
            from_cooperator=holder,
            to_cooperator=others[i],
            share_class=share_class,
            count=2,
            on=FAR,
            by="t",
            request_key=uuid.uuid4().hex,
        )

    results = _race(4, work)
    assert sorted(r for r in results if isinstance(r, str)) == ["governance_shares_not_held"] * 3
    assert selectors.holding(cooperator=holder, share_class=share_class) == 1


def test_a_voter_racing_themselves_votes_once(committed):
    voters = [make_cooperator(shares=1, on=datetime.date(2099, 1, 1)) for _ in range(2)]
    now = datetime.datetime(2099, 3, 1, 12, tzinfo=datetime.UTC)
    assembly = services.assembly_create(
        kind="ordinary",
        title=f"Race {uuid.uuid4().hex[:6]}",
        date=datetime.date(2099, 3, 2),
        record_date=datetime.date(2099, 2, 1),
        remote_opens_at=now - datetime.timedelta(days=1),
        remote_closes_at=now + datetime.timedelta(days=1),
        proxy_limit=1,
        by="t",
    )
    item = services.agenda_item_add(
        assembly=assembly, title="R", resolution_type=ResolutionType.objects.get(code="ordinary")
    )
    services.assembly_convene(assembly=assembly, by="t", now=now)

    def work(i: int) -> object:
        return services.vote_cast(
            item=item, voter=voters[0], choice="for" if i % 2 else "against", channel="remote", by="t", now=now
        )

    results = _race(6, work)
    assert results.count("governance_already_voted") == 5
    assert (Ballot.objects.filter(item=item).count(), Participation.objects.filter(item=item).count()) == (1, 1)
