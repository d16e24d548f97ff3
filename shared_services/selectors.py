"""Reads shared by the mutualised services."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from .models import PoolLine, PublicHoliday, Team, TeamMembership


def user_in_team(*, user_id: int | None, team: Team) -> bool:
    return user_id is not None and TeamMembership.objects.filter(user_id=user_id, team=team).exists()


def pool_balance(*, pool: str, account: str, currency: str, **dimensions: object) -> Decimal:
    """Signed balance (debit > 0) of one account of a pool in one currency, optionally for one entity,
    activity or client (``entity_id=``, ``activity_id=``, ``client_id=``)."""
    lines = PoolLine.objects.filter(entry__pool=pool, account=account, currency=currency, **dimensions)
    return lines.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def pool_balances(*, pool: str) -> dict[tuple[str, str], Decimal]:
    """(account, currency) -> signed balance, for every account of the pool."""
    rows = (
        PoolLine.objects.filter(entry__pool=pool)
        .values("account", "currency")
        .annotate(total=Sum("amount"))
        .order_by("account", "currency")
    )
    balances: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        balances[(row["account"], row["currency"])] = row["total"]
    return dict(balances)


def holidays_between(*, country: str, start: datetime.date, end: datetime.date) -> set[datetime.date]:
    return set(
        PublicHoliday.objects.filter(country=country, date__gte=start, date__lte=end).values_list("date", flat=True)
    )


def working_days_after(*, country: str, start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` in ``country``: weekends and the country's public
    holidays (data) do not count. ``start`` itself never counts."""
    # A generous window: 'days' working days never span more than twice as many calendar days + 3 weeks.
    closed = holidays_between(country=country, start=start, end=start + datetime.timedelta(days=days * 2 + 21))
    current, counted = start, 0
    while counted < days:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5 and current not in closed:
            counted += 1
    return current
