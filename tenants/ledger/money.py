"""Money arithmetic shared by every app: rounding per currency, never floats.

Rounding rule (written down here and tested in tests/ledger/test_money.py):
* amounts are rounded half away from zero (ROUND_HALF_UP, the commercial rule used on Belgian invoices);
* to the cent for every currency, except those listed in ``WHOLE_UNIT_CURRENCIES``, which are rounded
  to the whole unit: the Hungarian forint (HUF) has had no coins below 1 forint since 1999 and SMart
  invoices it in whole forints.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from moneyed import Money

WHOLE_UNIT_CURRENCIES = frozenset({"HUF"})
_CENT = Decimal("0.01")
_UNIT = Decimal("1")


def quantum(currency: str) -> Decimal:
    return _UNIT if currency in WHOLE_UNIT_CURRENCIES else _CENT


def round_amount(amount: Decimal, currency: str) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError(f"money amounts are Decimal, not {type(amount).__name__}")
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def round_money(money: Money) -> Money:
    return Money(round_amount(money.amount, str(money.currency)), money.currency)


def percent_of(amount: Decimal, percent: Decimal, currency: str) -> Decimal:
    """``percent`` % of ``amount``, rounded by the currency's rule (the levy, for instance)."""
    return round_amount(amount * percent / Decimal(100), currency)
