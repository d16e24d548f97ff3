"""ECB reference rates: the CSV layout, the monthly average, missing rates refused."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from config.errors import PlatformError
from federation_api.models import ReferenceRate
from federation_api.rates import period_rates, rates_load

pytestmark = pytest.mark.django_db

ECB = """Date,USD,JPY,XAA,
2031-02-03,1.1000,160.00,N/A,
2031-02-02,1.2000,161.00,N/A,
2031-01-31,1.3000,N/A,N/A,
"""
FEB = datetime.date(2031, 2, 1)


def test_the_demo_table_ships_with_the_migrations():
    rates = period_rates(currencies={"EUR", "SEK", "HUF"}, periods={datetime.date(2026, 3, 1)})
    assert rates[("EUR", datetime.date(2026, 3, 1))].rate == Decimal(1)
    assert rates[("SEK", datetime.date(2026, 3, 1))].fixings > 0
    assert ReferenceRate.objects.filter(source="demo").count() > 1000


def test_ecb_layout_loaded_and_the_monthly_average_converts(tmp_path):
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(ECB)
    out = io.StringIO()
    call_command("federation_load_rates", str(path), stdout=out)
    assert "5 rates loaded" in out.getvalue()
    rate = period_rates(currencies={"USD"}, periods={FEB})[("USD", FEB)]
    assert (rate.rate, rate.fixings) == (Decimal("1.150000"), 2)
    assert rate.to_eur(Decimal("115.00")) == Decimal("100.00")
    assert period_rates(currencies={"JPY"}, periods={FEB})[("JPY", FEB)].rate == Decimal("160.500000")
    # Loading again updates, never duplicates.
    rates_load(text=ECB.replace("1.1000", "1.0000"))
    assert ReferenceRate.objects.filter(currency="USD", day__gte=datetime.date(2031, 1, 1)).count() == 3
    assert period_rates(currencies={"USD"}, periods={FEB})[("USD", FEB)].rate == Decimal("1.100000")


def test_a_missing_rate_is_an_error_never_a_zero():
    rates_load(text=ECB)
    with pytest.raises(PlatformError) as refused:
        period_rates(currencies={"USD"}, periods={datetime.date(2031, 3, 1)})
    assert refused.value.code == "federation_rate_missing"
    assert "USD" in str(refused.value) and "2031-03" in str(refused.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Day,USD\n2031-01-01,1.1\n",
        "Date,USD\n2031-13-01,1.1\n",
        "Date,USD\n2031-01-02,abc\n",
        "Date,usd\n2031-01-02,1\n",
        "Date,USD\n2031-01-02,-1\n",
    ],
)
def test_a_malformed_file_loads_nothing(tmp_path, text):
    before = ReferenceRate.objects.count()
    path = tmp_path / "rates.csv"
    path.write_text(text)
    with pytest.raises(CommandError, match="federation_rates_file_invalid"):
        call_command("federation_load_rates", str(path))
    assert ReferenceRate.objects.count() == before
