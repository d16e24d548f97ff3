"""VAT rates a document line may carry, per country of the entity (standard, reduced, zero).

0 % covers exempt and reverse-charge lines. Data, not logic: a rate changes here, with its date in
the commit message.
"""

from decimal import Decimal

_RATES = {
    "BE": ("0", "6", "12", "21"),
    "FR": ("0", "2.1", "5.5", "10", "20"),
    "NL": ("0", "9", "21"),
    "DE": ("0", "7", "19"),
    "AT": ("0", "10", "13", "20"),
    "SE": ("0", "6", "12", "25"),
    "ES": ("0", "4", "10", "21"),
    "IT": ("0", "4", "5", "10", "22"),
    "HU": ("0", "5", "18", "27"),
}

VAT_RATES: dict[str, frozenset[Decimal]] = {
    country: frozenset(Decimal(r) for r in rates) for country, rates in _RATES.items()
}


def allowed_vat_rates(country: str) -> frozenset[Decimal]:
    return VAT_RATES.get(country, frozenset({Decimal(0)}))
