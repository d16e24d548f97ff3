"""Demo data of the group: which entities exist, with valid (generated) company numbers.

Entities named in SMart's plan keep their names; the others are plausible and flagged ``is_demo``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from . import validators
from .errors import EntityError


@dataclass(frozen=True)
class DemoEntity:
    slug: str
    display_name: str
    legal_name: str
    country: str
    legal_form: str
    currency: str
    languages: tuple[str, ...]
    default_language: str
    is_central: bool = False
    named_in_plan: bool = False
    closed: bool = False


def _be(
    slug: str,
    display: str,
    legal: str,
    form: str,
    *,
    langs=("fr", "nl", "en"),
    default="fr",
    central: bool = False,
    named: bool = False,
) -> DemoEntity:
    return DemoEntity(slug, display, legal, "BE", form, "EUR", tuple(langs), default, central, named)


DEMO_ENTITIES: tuple[DemoEntity, ...] = (
    _be("smart-coop", "SMart Coop", "SMart Coop SC", "SC (société coopérative)", central=True, named=True),
    _be(
        "fondation-smartbe",
        "Fondation SMartBe",
        "Fondation SMartBe",
        "Fondation d'utilité publique",
        named=True,
    ),
    _be(
        "apmc",
        "Association Professionnelle des Métiers de la Création",
        "Association Professionnelle des Métiers de la Création ASBL",
        "ASBL",
        named=True,
    ),
    _be("smart-bruxelles", "SMart Bruxelles (demo)", "SMart Bruxelles SC (demo)", "SC"),
    _be("smart-wallonie", "SMart Wallonie (demo)", "SMart Wallonie SC (demo)", "SC"),
    _be(
        "smart-vlaanderen",
        "SMart Vlaanderen (demo)",
        "SMart Vlaanderen CV (demo)",
        "CV",
        langs=("nl", "fr", "en"),
        default="nl",
    ),
    _be("smart-interim", "SMart Intérim (demo)", "SMart Intérim SRL (demo)", "SRL"),
    _be("smart-formation", "SMart Formation (demo)", "SMart Formation ASBL (demo)", "ASBL"),
    _be("smart-immo", "SMart Ateliers (demo)", "SMart Ateliers SC (demo)", "SC"),
    _be("smart-finance", "SMart Finance (demo)", "SMart Finance SC (demo)", "SC"),
    _be(
        "smart-ostbelgien",
        "SMart Ostbelgien (demo)",
        "SMart Ostbelgien Gen. (demo)",
        "Genossenschaft",
        langs=("de", "fr", "en"),
        default="de",
    ),
    DemoEntity(
        "smart-fr",
        "SMart France (demo)",
        "SMart France SCIC (demo)",
        "FR",
        "SCIC SA",
        "EUR",
        ("fr", "en"),
        "fr",
    ),
    DemoEntity(
        "smart-nl",
        "SMart Nederland (demo)",
        "SMart Nederland Coöperatie U.A. (demo)",
        "NL",
        "Coöperatie U.A.",
        "EUR",
        ("nl", "en"),
        "nl",
        closed=True,
    ),
    DemoEntity(
        "smart-de",
        "SMart Deutschland (demo)",
        "SMart Deutschland eG (demo)",
        "DE",
        "eG",
        "EUR",
        ("de", "en"),
        "de",
    ),
    DemoEntity(
        "smart-at",
        "SMart Österreich (demo)",
        "SMart Österreich eGen (demo)",
        "AT",
        "eGen",
        "EUR",
        ("de", "en"),
        "de",
    ),
    DemoEntity(
        "smart-se",
        "SMart Sverige (demo)",
        "SMart Sverige ekonomisk förening (demo)",
        "SE",
        "Ekonomisk förening",
        "SEK",
        ("en",),
        "en",
    ),
    DemoEntity(
        "smart-es",
        "SMart Ibérica (demo)",
        "SMart Ibérica S. Coop. (demo)",
        "ES",
        "Sociedad Cooperativa",
        "EUR",
        ("en",),
        "en",
    ),
    DemoEntity(
        "smart-it",
        "SMart Italia (demo)",
        "SMart Italia Soc. Coop. (demo)",
        "IT",
        "Società cooperativa",
        "EUR",
        ("en",),
        "en",
    ),
    DemoEntity(
        "smart-hu",
        "SMart Magyarország (demo)",
        "SMart Magyarország Szövetkezet (demo)",
        "HU",
        "Szövetkezet",
        "HUF",
        ("en",),
        "en",
    ),
)

# Digit templates of each country's VAT number; '#' is filled until the check digits agree.
_VAT_TEMPLATES = {
    "BE": "0#########",
    "FR": "###########",
    "NL": "#########B01",
    "DE": "#########",
    "AT": "U########",
    "SE": "##########01",
    "ES": "B########",
    "IT": "###########",
    "HU": "########",
}


def demo_company_number(country: str, seed: str) -> str:
    """A number that passes the country's checks, derived from ``seed`` (same seed, same number)."""
    template = _VAT_TEMPLATES[country]
    width = template.count("#")
    start = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    for offset in range(200_000):
        digits = str((start + offset) % 10**width).zfill(width)
        if country == "BE":
            digits = "0" + digits[1:]
        it = iter(digits)
        candidate = "".join(next(it) if ch == "#" else ch for ch in template)
        try:
            return validators.clean_company_number(country, candidate)
        except EntityError:
            continue
    raise RuntimeError(f"no valid demo number found for {country}")  # pragma: no cover
