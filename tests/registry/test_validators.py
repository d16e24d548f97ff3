import pytest

from tenants.registry import errors, validators
from tenants.registry.demo import DEMO_ENTITIES, demo_company_number
from tenants.registry.errors import EntityError


@pytest.mark.parametrize(
    ("country", "number", "compact"),
    [
        ("BE", "BE 0403.170.701", "0403170701"),
        ("BE", "0403170701", "0403170701"),
        ("FR", "FR40303265045", "40303265045"),
        ("FR", "732 829 320", "732829320"),  # SIREN, the company register number
        ("DE", "DE136695976", "136695976"),
        ("SE", "SE556036079301", "556036079301"),
        ("HU", "HU12892312", "12892312"),
        ("NL", "NL004495445B01", "004495445B01"),
    ],
)
def test_company_numbers_are_checked_for_their_country(country, number, compact):
    assert validators.clean_company_number(country, number) == compact


@pytest.mark.parametrize(("country", "number"), [("BE", "0403170702"), ("DE", "DE136695977"), ("HU", "BE0403170701")])
def test_invalid_company_numbers_are_refused(country, number):
    with pytest.raises(EntityError) as refused:
        validators.clean_company_number(country, number)
    assert refused.value.code == errors.COMPANY_NUMBER_INVALID


def test_countries_and_currencies_come_from_iso_lists():
    assert {"BE", "FR", "NL", "DE", "AT", "SE", "ES", "IT", "HU"} <= validators.country_codes()
    assert "EU" not in validators.country_codes()
    assert {"EUR", "SEK", "HUF"} <= validators.currency_codes()
    assert validators.clean_currency(" sek ") == "SEK"


def test_demo_entities_cover_the_plan():
    belgian = [d for d in DEMO_ENTITIES if d.country == "BE"]
    abroad = {d.country for d in DEMO_ENTITIES if d.country != "BE"}
    assert len(belgian) == 11
    assert abroad == {"FR", "NL", "DE", "AT", "SE", "ES", "IT", "HU"}
    assert [d.slug for d in DEMO_ENTITIES if d.is_central] == ["smart-coop"]
    names = {d.display_name for d in DEMO_ENTITIES}
    assert {"Fondation SMartBe", "Association Professionnelle des Métiers de la Création"} <= names
    assert all("(demo)" in d.display_name for d in DEMO_ENTITIES if not d.named_in_plan)
    assert {d.currency for d in DEMO_ENTITIES if d.country in {"SE", "HU"}} == {"SEK", "HUF"}
    for demo in DEMO_ENTITIES:
        number = demo_company_number(demo.country, demo.slug)
        assert validators.clean_company_number(demo.country, number) == number
        assert demo_company_number(demo.country, demo.slug) == number
