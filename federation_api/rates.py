"""ECB euro reference rates: loaded from the ECB's CSV layout (``eurofxref-hist.csv``:
``Date,USD,JPY,...`` then one row per day, ``N/A`` where no rate was published), never fetched at run
time.

The rate of a period is the **monthly average** of the daily reference rates published in that
month (rounded to 6 decimals): figures of a month are flows (turnover, wages, levy) that accrue over
the month, which an average represents better than the month-end fixing. Every converted figure
carries the rate and the number of daily fixings it averages. A currency with no fixing in the month
is an error (``federation_rate_missing``), never a zero.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models import Avg, Count

from tenants.ledger.money import round_amount

from . import errors
from .models import ReferenceRate

DEMO_RATES = Path(__file__).resolve().parent / "data" / "demo_rates.csv"
RATE_PLACES = Decimal("0.000001")


def _parse(text: str) -> list[tuple[str, datetime.date, Decimal]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise errors.catalog.error(errors.RATES_FILE, problem="empty file") from None
    if not header or header[0].strip() != "Date":
        raise errors.catalog.error(errors.RATES_FILE, problem="the first column must be Date")
    currencies = [c.strip() for c in header[1:]]
    rows = []
    for number, row in enumerate(reader, start=2):
        if not row or not row[0].strip():
            continue
        try:
            day = datetime.date.fromisoformat(row[0].strip())
        except ValueError:
            raise errors.catalog.error(errors.RATES_FILE, problem=f"line {number}: bad date {row[0]!r}") from None
        for currency, value in zip(currencies, row[1:], strict=False):
            value = value.strip()
            if not currency or not value or value == "N/A":
                continue
            if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
                raise errors.catalog.error(errors.RATES_FILE, problem=f"bad currency column {currency!r}")
            try:
                rate = Decimal(value)
            except InvalidOperation:
                raise errors.catalog.error(errors.RATES_FILE, problem=f"line {number}: bad rate {value!r}") from None
            if rate <= 0:
                raise errors.catalog.error(errors.RATES_FILE, problem=f"line {number}: rate {value} not positive")
            rows.append((currency, day, rate))
    return rows


def rates_load(*, text: str, source: str = "ecb") -> int:
    """Insert or update the daily rates of an ECB CSV (all or nothing); returns how many rows."""
    rows = _parse(text)
    with transaction.atomic():
        ReferenceRate.objects.bulk_create(
            [ReferenceRate(currency=c, day=d, rate=r, source=source) for c, d, r in rows],
            update_conflicts=True,
            unique_fields=["currency", "day"],
            update_fields=["rate", "source"],
            batch_size=2000,
        )
    return len(rows)


@dataclass(frozen=True)
class PeriodRate:
    currency: str
    period: datetime.date  # first day of the month
    rate: Decimal  # units of ``currency`` per 1 EUR
    fixings: int  # daily ECB fixings averaged

    def to_eur(self, amount: Decimal) -> Decimal:
        return round_amount(amount / self.rate, "EUR")


EUR_RATE = Decimal("1.000000")


def _month_end(period: datetime.date) -> datetime.date:
    return (period.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


def period_rates(*, currencies: set[str], periods: set[datetime.date]) -> dict[tuple[str, datetime.date], PeriodRate]:
    """The rate of every (currency, month) asked for; raises ``federation_rate_missing`` for the first
    one without any fixing."""
    found: dict[tuple[str, datetime.date], PeriodRate] = {}
    others = currencies - {"EUR"}
    if others and periods:
        rows = (
            ReferenceRate.objects.filter(currency__in=others, day__gte=min(periods), day__lte=_month_end(max(periods)))
            .values("currency", "day__year", "day__month")
            .annotate(avg=Avg("rate"), n=Count("id"))
        )
        for row in rows:
            period = datetime.date(row["day__year"], row["day__month"], 1)
            rate = Decimal(row["avg"]).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
            found[(row["currency"], period)] = PeriodRate(row["currency"], period, rate, row["n"])
    result = {}
    for currency in sorted(currencies):
        for period in sorted(periods):
            if currency == "EUR":
                result[(currency, period)] = PeriodRate("EUR", period, EUR_RATE, 0)
            elif (currency, period) in found:
                result[(currency, period)] = found[(currency, period)]
            else:
                raise errors.catalog.error(errors.RATE_MISSING, currency=currency, period=f"{period:%Y-%m}")
    return result


def known_currencies() -> set[str]:
    return {"EUR", *ReferenceRate.objects.values_list("currency", flat=True).distinct()}
