from decimal import Decimal

import pytest

from tenants.ledger.money import percent_of, round_amount


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("0.005", "EUR", "0.01"),  # half up, not banker's rounding
        ("0.004", "EUR", "0.00"),
        ("-0.005", "EUR", "-0.01"),  # half away from zero
        ("2.675", "SEK", "2.68"),
        ("0.5", "HUF", "1"),  # whole forints
        ("0.49", "HUF", "0"),
        ("1234567.5", "HUF", "1234568"),
        ("99999999999.995", "EUR", "100000000000.00"),
    ],
)
def test_rounding_rule_per_currency(amount, currency, expected):
    assert round_amount(Decimal(amount), currency) == Decimal(expected)
    assert str(round_amount(Decimal(amount), currency)) == expected


@pytest.mark.parametrize(
    ("net", "currency", "levy"),
    [
        ("0.01", "EUR", "0.00"),  # 0.00065: the smallest invoice pays no cent
        ("0.08", "EUR", "0.01"),  # 0.0052 -> 0.01
        ("0.07", "EUR", "0.00"),  # 0.00455 -> 0.00
        ("100.00", "EUR", "6.50"),
        ("1234.56", "EUR", "80.25"),  # 80.2464
        ("99999999999.99", "EUR", "6500000000.00"),  # 6499999999.99935 -> up to the next cent
        ("1000.00", "SEK", "65.00"),
        ("7.70", "HUF", "1"),  # 0.5005 forint -> 1
        ("7.69", "HUF", "0"),  # 0.49985 -> 0
        ("1000000", "HUF", "65000"),
    ],
)
def test_the_levy_is_exact_on_edge_amounts(net, currency, levy):
    assert percent_of(Decimal(net), Decimal("6.5"), currency) == Decimal(levy)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        round_amount(0.1, "EUR")  # type: ignore[arg-type]
