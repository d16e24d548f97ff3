"""Writes shared by the mutualised services: pooled-ledger postings, team membership, holidays."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db import IntegrityError, transaction

from tenants.ledger.money import round_amount

from . import errors
from .models import PoolAccount, PoolEntry, PoolLine, PublicHoliday, Team, TeamMembership


@dataclass(frozen=True)
class PoolPosting:
    account: PoolAccount
    amount: Decimal  # debit > 0, credit < 0
    currency: str
    entity_id: int | None = None
    activity_id: UUID | None = None
    client_id: UUID | None = None


def pool_entry_post(
    *,
    pool: str,
    kind: str,
    on: datetime.date,
    description: str,
    source: str,
    idempotency_key: str,
    postings: Iterable[PoolPosting],
    entity_id: int | None = None,
    posted_by: str = "",
    reverses: PoolEntry | None = None,
) -> tuple[PoolEntry, bool]:
    """Post one balanced entry, once per ``idempotency_key``: a second call with the same key returns
    the entry already posted (and ``False``), even when both calls race in two transactions."""
    lines = []
    for posting in postings:
        if not isinstance(posting.amount, Decimal):
            raise errors.catalog.error(errors.NOT_DECIMAL)
        amount = round_amount(posting.amount, posting.currency)
        if amount:
            lines.append((posting, amount))
    if len(lines) < 2:
        raise errors.catalog.error(errors.TOO_FEW_LINES)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for posting, amount in lines:
        totals[posting.currency] += amount
    for currency, total in sorted(totals.items()):
        if total:
            raise errors.catalog.error(errors.UNBALANCED, currency=currency, off_by=total)
    existing = PoolEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            entry = PoolEntry.objects.create(
                pool=pool,
                kind=kind,
                date=on,
                description=description[:300],
                source=source,
                idempotency_key=idempotency_key,
                entity_id=entity_id,
                posted_by=posted_by,
                reverses=reverses,
            )
            PoolLine.objects.bulk_create(
                PoolLine(
                    entry=entry,
                    account=posting.account,
                    amount=amount,
                    currency=posting.currency,
                    entity_id=posting.entity_id,
                    activity_id=posting.activity_id,
                    client_id=posting.client_id,
                )
                for posting, amount in lines
            )
    except IntegrityError:
        # Another transaction posted the same key first (it committed while we waited on the index).
        existing = PoolEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False
    return entry, True


def pool_endow(*, pool: str, amount: Decimal, currency: str, key: str, on: datetime.date, by: str = "") -> PoolEntry:
    """Money the group puts into a pool (its starting capital, a top-up decided by the board), once
    per ``key``. The caller has checked ``amount``."""
    entry, _ = pool_entry_post(
        pool=pool,
        kind="endowment",
        on=on,
        description="endowment",
        source=f"{pool}.endowment:{key}",
        idempotency_key=f"{pool}.endowment:{key}",
        postings=[
            PoolPosting(PoolAccount.CASH, amount, currency),
            PoolPosting(PoolAccount.ENDOWMENT, -amount, currency),
        ],
        posted_by=by,
    )
    return entry


def team_member_add(*, user_id: int, team: Team) -> TeamMembership:
    membership, _ = TeamMembership.objects.get_or_create(user_id=user_id, team=team)
    return membership


def public_holidays_load(*, countries: Iterable[str], years: Iterable[int]) -> int:
    """Load the official public holidays of ``countries`` for ``years`` (idempotent). Returns how many
    days were added; days already present (or added by hand) are kept as they are."""
    import holidays

    added = 0
    for country in countries:
        calendar = holidays.country_holidays(country, years=list(years), language="en_US")
        for day, name in sorted(calendar.items()):
            _, created = PublicHoliday.objects.get_or_create(
                country=country, date=day, defaults={"name": str(name)[:120]}
            )
            added += int(created)
    return added
