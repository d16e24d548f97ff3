"""Demo operations of one entity: what its staff would have handled over the last 18 months.

``demo_operations_fill(entity)`` (run inside ``tenant_context(entity)``, called by ``manage.py seed_demo``)
fills an entity's books through the real services, in date order:

* members: natural and legal persons of several stakeholder categories, with IBANs valid for the
  entity's country (check digits computed) and company numbers that pass the country's checks;
* activities at every stage (idea ... stop), each with a plausible stage history (one goes back a
  stage, with its reason);
* clients, funders and suppliers;
* invoices and funding agreements declared once (``declare_performance``: document, contracts of the
  three kinds, the single percentage and every posting), in the entity's currency with VAT rates of its
  country; credit notes; partial and full payments; wages paid; expenses submitted, approved, refunded
  and rejected.

Deterministic: the same entity, scale, seed and day give the same data (a seeded ``random.Random``).
Invented names of organisations and activities carry "(demo)"; invented people have ``.demo`` e-mail
addresses. Idempotent: an entity that already has members is left as it is; a closed entity
(read-only) is never filled. ``scale`` multiplies members, activities and documents (benchmarks).
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone
from stdnum import iban as iban_module
from stdnum.es import ccc as es_ccc
from stdnum.exceptions import ValidationError as StdnumError

from tenants.activities.models import STAGE_ORDER, Activity, ActivityRole, Stage
from tenants.activities.services import activity_add_member, activity_change_stage, activity_create
from tenants.billing.models import Client, Expense, ExpenseStatus, Invoice, Payment, Supplier
from tenants.billing.services import (
    LineInput,
    client_create,
    credit_note_issue,
    document_due,
    expense_approve,
    expense_refund,
    expense_reject,
    expense_submit,
    payment_record,
    supplier_create,
)
from tenants.billing.vat import allowed_vat_rates
from tenants.declarations.services import Performer, declare_performance
from tenants.ledger.money import round_amount
from tenants.ledger.selectors import activity_balance
from tenants.members.models import Member, StakeholderCategory
from tenants.members.services import member_create
from tenants.payroll.models import Contract, ContractKind
from tenants.payroll.services import DEFAULT_COEFFICIENTS, contract_pay
from tenants.registry.demo import demo_company_number
from tenants.registry.models import Entity

ACTOR = "seed_demo"
HISTORY_DAYS = 540  # 18 months

# --- reference data (invented unless said otherwise) -------------------------------------------

_FIRST = {
    "BE": "Amélie Lucas Sofie Jonas Camille Wout Elise Noah Manon Thomas Lotte Hugo Nina Arne Chloé Bram",
    "FR": "Camille Louis Léa Hugo Chloé Jules Manon Arthur Inès Raphaël Zoé Paul Jeanne Théo Alice Nathan",
    "NL": "Sanne Daan Fleur Bram Lotte Sem Noor Thijs Eva Lars Iris Ruben Femke Jesse Anouk Milan",
    "DE": "Lena Jonas Mia Felix Hannah Lukas Emma Paul Lea Finn Marie Jan Clara Moritz Sophie Tim",
    "AT": "Anna Lukas Laura Tobias Julia David Sarah Florian Lisa Elias Katharina Simon Valentina Max Lena Jakob",
    "SE": "Elsa Oskar Maja Hugo Astrid Liam Saga Nils Alva Axel Wilma Emil Freja Leo Ebba Vilgot",
    "ES": "Lucía Hugo Martina Pablo Sofía Álvaro Julia Daniel Paula Adrián Carla Mario Sara Diego Elena Marcos",
    "IT": "Giulia Francesco Sofia Alessandro Aurora Lorenzo Chiara Matteo Martina Leonardo Alice Andrea Sara Marco",
    "HU": "Anna Bence Zsófia Máté Réka Levente Eszter Dávid Lilla Ádám Dóra Balázs Nóra Gergő Petra Marcell",
}
_LAST = {
    "BE": "Peeters Dubois Janssens Lambert Maes Dupont Claes Lemaire Wouters Martin Goossens Leroy Mertens Simon",
    "FR": "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy",
    "NL": "de Jong|Jansen|de Vries|van den Berg|Bakker|Visser|Smit|Meijer|de Boer|Mulder|Bos|Vos|Peters",
    "DE": "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf",
    "AT": "Gruber Huber Bauer Wagner Müller Pichler Steiner Moser Mayer Hofer Leitner Berger Fuchs Eder",
    "SE": "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Lindberg",
    "ES": "García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Martín Jiménez Ruiz Moreno",
    "IT": "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti Costa",
    "HU": "Nagy Kovács Tóth Szabó Horváth Varga Kiss Molnár Németh Farkas Balogh Papp Takács Juhász",
}
_CITIES = {
    "BE": [("1000", "Bruxelles"), ("1060", "Saint-Gilles"), ("4000", "Liège"), ("9000", "Gent"), ("2000", "Antwerpen")],
    "FR": [("75011", "Paris"), ("69001", "Lyon"), ("13001", "Marseille"), ("59000", "Lille"), ("44000", "Nantes")],
    "NL": [("1011", "Amsterdam"), ("3011", "Rotterdam"), ("3511", "Utrecht"), ("9711", "Groningen")],
    "DE": [("10115", "Berlin"), ("20095", "Hamburg"), ("50667", "Köln"), ("04109", "Leipzig")],
    "AT": [("1010", "Wien"), ("8010", "Graz"), ("4020", "Linz"), ("5020", "Salzburg")],
    "SE": [("111 20", "Stockholm"), ("411 03", "Göteborg"), ("211 18", "Malmö"), ("753 10", "Uppsala")],
    "ES": [("28012", "Madrid"), ("08001", "Barcelona"), ("46001", "Valencia"), ("41001", "Sevilla")],
    "IT": [("20121", "Milano"), ("00184", "Roma"), ("40121", "Bologna"), ("10121", "Torino")],
    "HU": [("1051", "Budapest"), ("4024", "Debrecen"), ("6720", "Szeged"), ("7621", "Pécs")],
}
_STREET = {
    "BE": "Rue de la Démo",
    "FR": "Rue de la Démo",
    "NL": "Demostraat",
    "DE": "Demostraße",
    "AT": "Demogasse",
    "SE": "Demogatan",
    "ES": "Calle Demo",
    "IT": "Via Demo",
    "HU": "Demo utca",
}
_PHONE = {"BE": "+32", "FR": "+33", "NL": "+31", "DE": "+49", "AT": "+43", "SE": "+46", "ES": "+34", "IT": "+39"}
_PHONE |= {"HU": "+36"}
_COMPANY_SUFFIX = {
    "BE": "SRL",
    "FR": "SARL",
    "NL": "B.V.",
    "DE": "GmbH",
    "AT": "GmbH",
    "SE": "AB",
    "ES": "S.L.",
    "IT": "S.r.l.",
    "HU": "Kft.",
}
# Bank codes of real banks of each country (the account numbers are invented).
_BANK_CODES = {
    "BE": ["001", "068", "363", "735", "523", "850"],
    "FR": ["30004", "30003", "20041", "10278"],
    "NL": ["INGB", "ABNA", "RABO", "TRIO", "ASNB"],
    "DE": ["10010010", "37040044", "50010517", "43060967"],
    "AT": ["20111", "12000", "32000", "14000"],
    "SE": ["500", "800", "600", "300"],
    "ES": ["2100", "0049", "0182", "1491"],
    "IT": ["03069", "02008", "05034", "03062"],
    "HU": ["117", "104", "116", "120"],
}
_BBAN = {  # the basic bank account number: "bank" (one of the codes above), then n digits or a letters
    "BE": "bank 9n",
    "FR": "bank 5n 11n 2n",
    "NL": "bank 10n",
    "DE": "bank 10n",
    "AT": "bank 11n",
    "SE": "bank 17n",
    "ES": "bank 4n 2n 10n",
    "IT": "1a bank 5n 12n",
    "HU": "bank 4n 1n 15n 1n",
}

_TRADES: dict[str, list[tuple[str, list[str]]]] = {
    # (activity name, line descriptions) per language of the entity.
    "fr": [
        ("Compagnie du Fil tendu", ["Représentation du spectacle", "Atelier de médiation", "Défraiement technique"]),
        ("Studio Graphique Lumen", ["Identité visuelle", "Mise en page du catalogue", "Affiches (série)"]),
        ("Collectif Sonore Écho", ["Concert (2 sets)", "Création sonore", "Régie son"]),
        ("Atelier Terre & Feu", ["Pièces céramiques sur commande", "Stage de tournage", "Cuisson"]),
        ("Plume Libre", ["Traduction littéraire", "Relecture et correction", "Droits de traduction"]),
        ("Vélo-Courses Bruxelles", ["Livraisons à vélo (forfait mensuel)", "Course express"]),
        ("Cinéma de Quartier", ["Montage vidéo", "Tournage (journée)", "Étalonnage"]),
        ("Les Mots Dits", ["Animation d'atelier d'écriture", "Lecture publique"]),
        ("Formation Numérique Pour Tous", ["Formation (demi-journée)", "Support de cours"]),
        ("Danse Contact", ["Cours de danse (cycle)", "Performance in situ"]),
    ],
    "nl": [
        ("Theatergezelschap De Draad", ["Voorstelling", "Educatieve workshop", "Technische ondersteuning"]),
        ("Grafisch Atelier Lumen", ["Huisstijl", "Opmaak catalogus", "Affichereeks"]),
        ("Klankcollectief Echo", ["Concert (2 sets)", "Geluidsontwerp", "Geluidstechniek"]),
        ("Keramiekatelier Klei", ["Keramiek op bestelling", "Draaicursus", "Stookkosten"]),
        ("Vrije Pen", ["Literaire vertaling", "Eindredactie", "Vertaalrechten"]),
        ("Fietskoeriers Gent", ["Fietsleveringen (maandforfait)", "Expreslevering"]),
        ("Buurtcinema", ["Videomontage", "Filmopname (dag)", "Kleurcorrectie"]),
        ("Woordwerk", ["Schrijfworkshop", "Publieke lezing"]),
        ("Digitaal Voor Iedereen", ["Opleiding (halve dag)", "Cursusmateriaal"]),
        ("Dans Contact", ["Danslessen (reeks)", "Performance op locatie"]),
    ],
    "de": [
        ("Theaterkompanie Roter Faden", ["Vorstellung", "Vermittlungsworkshop", "Technische Betreuung"]),
        ("Grafikstudio Lumen", ["Corporate Design", "Katalogsatz", "Plakatserie"]),
        ("Klangkollektiv Echo", ["Konzert (2 Sets)", "Sounddesign", "Tontechnik"]),
        ("Keramikwerkstatt Ton", ["Keramik auf Bestellung", "Töpferkurs", "Brennkosten"]),
        ("Freie Feder", ["Literarische Übersetzung", "Lektorat", "Übersetzungsrechte"]),
        ("Fahrradkuriere", ["Fahrradlieferungen (Monatspauschale)", "Expresslieferung"]),
        ("Kiezkino", ["Videoschnitt", "Dreharbeiten (Tag)", "Farbkorrektur"]),
        ("Wortwerk", ["Schreibwerkstatt", "Öffentliche Lesung"]),
        ("Digital für alle", ["Schulung (halber Tag)", "Kursunterlagen"]),
        ("Tanz Kontakt", ["Tanzkurs (Reihe)", "Performance vor Ort"]),
    ],
    "en": [
        ("Loose Thread Theatre", ["Performance", "Outreach workshop", "Technical support"]),
        ("Lumen Graphic Studio", ["Visual identity", "Catalogue layout", "Poster series"]),
        ("Echo Sound Collective", ["Concert (2 sets)", "Sound design", "Live sound engineering"]),
        ("Clay & Fire Ceramics", ["Commissioned ceramics", "Wheel-throwing course", "Kiln firing"]),
        ("Free Quill Translations", ["Literary translation", "Copy-editing", "Translation rights"]),
        ("Pedal Couriers", ["Bike deliveries (monthly flat fee)", "Express delivery"]),
        ("Neighbourhood Cinema", ["Video editing", "Shooting day", "Colour grading"]),
        ("Spoken Words", ["Creative writing workshop", "Public reading"]),
        ("Digital for All", ["Training (half day)", "Course material"]),
        ("Contact Dance", ["Dance classes (series)", "Site-specific performance"]),
    ],
}
_CLIENTS = {
    "fr": ["Centre culturel Les Tilleuls", "Théâtre de la Colline Verte", "Agence Pixel & Papier", "Librairie du Port",
           "Festival Les Nuits Claires", "Musée des Arts Appliqués", "Bureau d'études Horizon", "École des Arts Vifs"],
    "nl": ["Cultuurcentrum De Linde", "Theater De Groene Heuvel", "Bureau Pixel & Papier", "Boekhandel De Haven",
           "Festival Heldere Nachten", "Museum voor Toegepaste Kunst", "Studiebureau Horizon", "Kunstacademie Levend"],
    "de": ["Kulturzentrum Linde", "Theater am Grünen Hügel", "Agentur Pixel & Papier", "Buchhandlung am Hafen",
           "Festival Helle Nächte", "Museum für Angewandte Kunst", "Planungsbüro Horizont", "Kunstschule Lebendig"],
    "en": ["Linden Arts Centre", "Green Hill Theatre", "Pixel & Paper Agency", "Harbour Bookshop",
           "Clear Nights Festival", "Museum of Applied Arts", "Horizon Consulting", "Living Arts School"],
}  # fmt: skip
_FUNDERS = {
    "fr": [("Fonds régional pour la création", "grant"), ("Fondation Mécénat Culturel", "sponsorship")],
    "nl": [("Regionaal Creatiefonds", "grant"), ("Stichting Cultuurmecenaat", "sponsorship")],
    "de": [("Regionaler Kulturfonds", "grant"), ("Stiftung Kulturförderung", "sponsorship")],
    "en": [("Regional Arts Fund", "grant"), ("Culture Patrons Foundation", "sponsorship")],
}
_SUPPLIERS = {
    "fr": ["Location Son & Lumière", "Papeterie Centrale"],
    "nl": ["Verhuur Klank & Licht", "Centrale Papierhandel"],
    "de": ["Ton & Licht Verleih", "Zentralpapier"],
    "en": ["Sound & Light Hire", "Central Stationers"],
}
_EXPENSES = {
    "fr": ["Train aller-retour", "Location de matériel", "Fournitures", "Impression"],
    "nl": ["Treinticket heen en terug", "Materiaalhuur", "Benodigdheden", "Drukwerk"],
    "de": ["Bahnfahrt hin und zurück", "Materialmiete", "Verbrauchsmaterial", "Druckkosten"],
    "en": ["Return train ticket", "Equipment hire", "Supplies", "Printing"],
}
_BACK_REASON = {
    "fr": "Perte du client principal : retour au développement de l'offre.",
    "nl": "Belangrijkste klant verloren: terug naar de ontwikkeling van het aanbod.",
    "de": "Hauptkunde verloren: zurück zur Entwicklung des Angebots.",
    "en": "Main client lost: back to developing the offer.",
}
_STOP_REASON = {
    "fr": "Le porteur a rejoint un emploi salarié.",
    "nl": "De houder heeft een vaste baan aangenomen.",
    "de": "Die Inhaberin hat eine Festanstellung angenommen.",
    "en": "The holder took up a salaried job.",
}

# Rough unit of money per currency (amounts are drawn in EUR and converted, then rounded nicely).
_CURRENCY_FACTOR = {"EUR": Decimal(1), "SEK": Decimal(11), "HUF": Decimal(400)}
# Declarations per activity by its final stage (funding agreements come on top).
_DOCS_PER_STAGE = {"idea": 0, "start": 1, "experimentation": 2, "development": 2, "consolidation": 3}
_DOCS_PER_STAGE |= {"stabilisation": 3, "stop": 2}
# Target stages of the activities of one scale unit: every stage, plus two more mid-life ones.
_UNIT_STAGES = [*STAGE_ORDER, Stage.DEVELOPMENT.value, Stage.CONSOLIDATION.value]
# One in seven documents of each kind of settlement, cycled: a complete mix in every entity.
_SETTLEMENTS = ["full", "partial", "full", "full_in_two", "full", "unpaid", "full"]


# --- generators of identifiers ------------------------------------------------------------------


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ch.isascii() and (ch.isalnum() or ch in ".-"))


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def demo_iban(country: str, rng: random.Random) -> str:
    """An IBAN valid for ``country`` (IBAN check digits and, where the country has them, national
    check digits computed), at a real bank of the country; the account number is invented."""
    country = country.upper()
    if country not in _BBAN:
        return ""
    for _ in range(1000):
        parts = []
        for piece in _BBAN[country].split():
            if piece == "bank":
                parts.append(rng.choice(_BANK_CODES[country]))
            elif piece.endswith("n"):
                parts.append(_digits(rng, int(piece[:-1])))
            else:
                parts.append("".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVZ") for _ in range(int(piece[:-1]))))
        bban = "".join(parts)
        if country == "BE":
            body = bban[:10]
            bban = body + f"{int(body) % 97 or 97:02d}"
        elif country == "ES":
            account = bban[:8] + "00" + bban[10:]
            bban = account[:8] + es_ccc.calc_check_digits(account) + account[10:]
        elif country == "FR":
            bank_, branch, account = bban[:5], bban[5:10], bban[10:21]
            key = 97 - (89 * int(bank_) + 15 * int(branch) + 3 * int(account)) % 97
            bban = bank_ + branch + account + f"{key:02d}"
        candidate = f"{country}00{bban}"
        candidate = f"{country}{iban_module.calc_check_digits(candidate)}{bban}"
        try:
            return str(iban_module.validate(candidate))
        except StdnumError:
            continue
    raise RuntimeError(f"no valid demo IBAN for {country}")  # pragma: no cover


# --- the plan -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    members: int
    activities: int
    clients: int
    documents: int
    payments: int
    contracts: int
    expenses: int

    def __str__(self) -> str:
        return (
            f"{self.members} members, {self.activities} activities, {self.clients} clients and funders, "
            f"{self.documents} documents, {self.payments} payments, {self.contracts} contracts, "
            f"{self.expenses} expenses"
        )


@dataclass
class _State:
    """What the events executed so far produced, looked up by the later events."""

    entity: Entity
    lang: str
    members: list[Member] = field(default_factory=list)
    clients: list[Client] = field(default_factory=list)
    funders: list[tuple[Client, str]] = field(default_factory=list)
    suppliers: list[Supplier] = field(default_factory=list)
    activities: dict[int, Activity] = field(default_factory=dict)
    documents: dict[int, Invoice] = field(default_factory=dict)
    contracts: dict[int, list[Contract]] = field(default_factory=dict)
    expenses: dict[int, Expense] = field(default_factory=dict)
    clientele: set[tuple[int, int]] = field(default_factory=set)  # (activity key, client id) linked


Event = tuple[datetime.date, int, Callable[[_State], None]]


class _Planner:
    def __init__(self, entity: Entity, rng: random.Random, today: datetime.date, scale: int) -> None:
        self.entity, self.rng, self.today, self.scale = entity, rng, today, scale
        self.country, self.currency = entity.country, entity.currency
        self.lang = entity.default_language if entity.default_language in _TRADES else "en"
        self.window_start = today - datetime.timedelta(days=HISTORY_DAYS)
        self.events: list[Event] = []
        self._order = 0
        self._doc_keys = 0
        self._expense_keys = 0
        self.settlement_offset = rng.randrange(len(_SETTLEMENTS))
        rates = sorted(allowed_vat_rates(self.country))
        self.standard_vat = rates[-1]
        self.reduced_vat = rates[1] if len(rates) > 2 else rates[-1]
        self.zero_vat = rates[0]

    def at(self, on: datetime.date, action: Callable[[_State], None]) -> None:
        if on <= self.today:
            self.events.append((on, self._order, action))
            self._order += 1

    def day(self, start: datetime.date, end: datetime.date) -> datetime.date:
        span = max((end - start).days, 0)
        return start + datetime.timedelta(days=self.rng.randint(0, span))

    def money(self, low: int, high: int) -> Decimal:
        """A round amount between ``low`` and ``high`` EUR, in the entity's currency."""
        return Decimal(self.rng.randrange(low, high, 10)) * _CURRENCY_FACTOR.get(self.currency, Decimal(1))


def _person_plan(planner: _Planner, units: int) -> list[dict[str, object]]:
    rng, country = planner.rng, planner.country
    firsts = _FIRST.get(country, _FIRST["BE"]).split()
    lasts_text = _LAST.get(country, _LAST["BE"])
    lasts = lasts_text.split("|") if "|" in lasts_text else lasts_text.split()
    cities = _CITIES.get(country, _CITIES["BE"])
    languages = list(planner.entity.languages)
    seen: set[tuple[str, str, datetime.date]] = set()
    namesakes: Counter[tuple[str, str]] = Counter()
    people: list[dict[str, object]] = []
    natural_categories = [StakeholderCategory.NATURAL_USER] * 5 + [
        StakeholderCategory.PERMANENT_WORKER,
        StakeholderCategory.PARTNER,
        StakeholderCategory.CLIENT,
    ]
    legal_categories = [
        StakeholderCategory.LEGAL_USER,
        StakeholderCategory.LEGAL_USER,
        StakeholderCategory.SUPPLIER,
        StakeholderCategory.CLIENT,
    ]
    for unit in range(units):
        for category in natural_categories:
            # One person per name and birth date (the registry's match); names repeat at large scales.
            first, last = rng.choice(firsts), rng.choice(lasts)
            birth = datetime.date(1955, 1, 1) + datetime.timedelta(days=rng.randint(0, 47 * 365))
            while (first, last, birth) in seen:
                birth += datetime.timedelta(days=1)
            seen.add((first, last, birth))
            namesakes[(first, last)] += 1
            postcode, city = rng.choice(cities)
            local = f"{first}.{last}".lower().replace(" ", "")
            number = namesakes[(first, last)]
            people.append(
                {
                    "kind": "natural",
                    "category": category,
                    "first_name": first,
                    "last_name": last,
                    "birth_date": birth,
                    "country": country,
                    "email": f"{_ascii(local)}{number if number > 1 else ''}@members.demo",
                    "phone": f"{_PHONE.get(country, '+00')} {_digits(rng, 3)} {_digits(rng, 2)} {_digits(rng, 2)}",
                    "address": f"{_STREET.get(country, 'Demo')} {rng.randint(1, 180)}, {postcode} {city}",
                    "languages": sorted(rng.sample(languages, k=rng.randint(1, len(languages)))),
                    "iban": demo_iban(country, rng),
                    "consent_newsletter": rng.random() < 0.6,
                    "consent_partner_referrals": rng.random() < 0.3,
                }
            )
        for index, category in enumerate(legal_categories):
            stem = rng.choice(lasts)
            name = f"{stem} & {rng.choice(lasts)} {_COMPANY_SUFFIX.get(country, '')} (demo)".replace("  ", " ")
            postcode, city = rng.choice(cities)
            people.append(
                {
                    "kind": "legal",
                    "category": category,
                    "last_name": name,
                    "company_number": demo_company_number(country, f"{planner.entity.slug}-member-{unit}-{index}")
                    if country in _BBAN
                    else "",
                    "country": country,
                    "email": f"contact@{_ascii(stem.lower())}-{unit}{index}.demo",
                    "address": f"{_STREET.get(country, 'Demo')} {rng.randint(1, 180)}, {postcode} {city}",
                    "languages": [planner.entity.default_language],
                    "iban": demo_iban(country, rng),
                }
            )
    return people


def _stage_path(planner: _Planner, target: str, back: bool) -> list[tuple[str, str]]:
    """Stages after idea up to ``target``, with the reason of each move ("" for a plain step forward)."""
    path = [(stage, "") for stage in STAGE_ORDER[1 : STAGE_ORDER.index(target) + 1]]
    if target == Stage.STOP:
        # Stopped activities did not go all the way: they stop after experimentation or development.
        last = planner.rng.choice([Stage.EXPERIMENTATION, Stage.DEVELOPMENT])
        path = [(stage, "") for stage in STAGE_ORDER[1 : STAGE_ORDER.index(last) + 1]]
        path.append((Stage.STOP, _STOP_REASON[planner.lang]))
    if back and target == Stage.CONSOLIDATION:
        path += [(Stage.DEVELOPMENT, _BACK_REASON[planner.lang]), (Stage.CONSOLIDATION, "")]
    return path


def _plan(planner: _Planner) -> None:
    rng, units, lang = planner.rng, planner.scale, planner.lang
    people = _person_plan(planner, units)
    first_day = planner.window_start

    def add_members(state: _State) -> None:
        for person in people:
            state.members.append(member_create(**person))  # type: ignore[arg-type]
        for unit in range(units):
            tag = f" {unit + 1}" if unit else ""
            for name in _CLIENTS[lang]:
                state.clients.append(client_create(name=f"{name}{tag} (demo)", country=planner.country))
            for name, kind in _FUNDERS[lang]:
                funder = client_create(name=f"{name}{tag} (demo)", country=planner.country, is_funder=True)
                state.funders.append((funder, kind))
            for name in _SUPPLIERS[lang]:
                state.suppliers.append(supplier_create(name=f"{name}{tag} (demo)", country=planner.country))

    planner.at(first_day, add_members)
    trades = _TRADES[lang]
    # Activities are held and performed by natural persons (wages and fees go to people).
    holders = [i for i, p in enumerate(people) if p["category"] == StakeholderCategory.NATURAL_USER]
    naturals = [i for i, p in enumerate(people) if p["kind"] == "natural" and p["category"] != "client"]
    activity_key = 0
    for unit in range(units):
        for position, target in enumerate(_UNIT_STAGES):
            name, descriptions = trades[(unit * len(_UNIT_STAGES) + position) % len(trades)]
            if unit or position >= len(trades):
                name = f"{name} {unit + 1}"
            _plan_activity(
                planner,
                key=activity_key,
                name=f"{name} (demo)",
                descriptions=descriptions,
                target=target,
                holder=holders[(unit * 7 + position) % len(holders)],
                partner=rng.choice(naturals),
                back=position == len(_UNIT_STAGES) - 1,
                funding=position in (3, 4),
            )
            activity_key += 1


def _plan_activity(
    planner: _Planner,
    *,
    key: int,
    name: str,
    descriptions: list[str],
    target: str,
    holder: int,
    partner: int,
    back: bool,
    funding: bool,
) -> None:
    rng, today = planner.rng, planner.today
    delta = datetime.timedelta
    if target in (Stage.IDEA, Stage.START):  # young activities
        created = today - delta(rng.randint(45, 200))
    else:
        created = planner.day(planner.window_start, planner.window_start + delta(60))
    path = _stage_path(planner, target, back)
    # Start a few weeks after the idea, then spread the other moves until a fortnight ago.
    moves: list[tuple[datetime.date, str, str]] = []
    on = created
    for position, (stage, reason) in enumerate(path):
        if position == 0:
            on = on + delta(rng.randint(14, 45))
            step = max(7, ((today - delta(15) - on).days) // len(path))
        else:
            on = on + delta(max(7, step + rng.randint(-step // 4, step // 4)))
        moves.append((min(on, today - delta(1)), stage, reason))

    role = [ActivityRole.PARTNER, ActivityRole.CONTRIBUTOR][key % 2]

    def create(state: _State) -> None:
        activity = activity_create(
            name=name, currency=planner.currency, holder=state.members[holder], on=created, stage=Stage.IDEA, by=ACTOR
        )
        if partner != holder:
            activity_add_member(activity=activity, member=state.members[partner], role=role, on=created)
        state.activities[key] = activity

    planner.at(created, create)
    for on, stage, reason in moves:

        def change(state: _State, stage: str = stage, on: datetime.date = on, reason: str = reason) -> None:
            state.activities[key] = activity_change_stage(
                activity=state.activities[key], to_stage=stage, on=on, reason=reason, by=ACTOR
            )

        planner.at(on, change)

    # Working period: from the start stage to the stop (or today).
    started = next((on for on, stage, _ in moves if stage == Stage.START), None)
    if started is None:
        return
    stopped = next((on for on, stage, _ in moves if stage == Stage.STOP), today)
    count = _DOCS_PER_STAGE[target]
    dates = sorted(planner.day(started, stopped - datetime.timedelta(days=1)) for _ in range(count))
    for index, on in enumerate(dates):
        _plan_declaration(planner, key, descriptions, on, index, holder, partner)
    if funding:
        _plan_funding(planner, key, planner.day(started, stopped), holder)
    if dates:
        _plan_expenses(planner, key, holder, dates[0], stopped)


def _plan_declaration(
    planner: _Planner, key: int, descriptions: list[str], on: datetime.date, index: int, holder: int, partner: int
) -> None:
    rng = planner.rng
    doc = planner._doc_keys
    planner._doc_keys += 1
    lines = []
    for description in rng.sample(descriptions, k=rng.randint(1, min(2, len(descriptions)))):
        vat = rng.choice([planner.standard_vat] * 4 + [planner.reduced_vat, planner.zero_vat])
        quantity = Decimal(rng.choice([1, 1, 1, 2, 3, 4]))
        lines.append(LineInput(description, quantity, planner.money(250, 1500), vat))
    kinds = [ContractKind.WAGE, ContractKind.FEES, ContractKind.WAGE, ContractKind.AUTHORS_RIGHTS]
    kind = kinds[(doc + planner.settlement_offset) % len(kinds)]
    two = rng.random() < 0.25 and partner != holder
    share = Decimal(rng.randint(35, 60)) / 100
    performed_from = on - datetime.timedelta(days=rng.randint(0, 4))
    client_pick = rng.random()

    def declare(state: _State) -> None:
        activity = state.activities[key]
        client = state.clients[int(client_pick * len(state.clients))]
        net = sum((round_amount(x.quantity * x.unit_price, planner.currency) for x in lines), Decimal(0))
        budget = (activity_balance(activity.pk, planner.currency) + net * Decimal("0.9")) * share
        performers = _performers(planner, state, activity, budget, kind, holder, partner if two else None, on)
        if (key, client.pk) not in state.clientele:
            state.clientele.add((key, client.pk))
            activity.clients.add(client)
        declaration = declare_performance(
            activity=activity,
            client=client,
            lines=lines,
            performers=performers,
            performed_from=performed_from,
            performed_to=on,
            country=planner.country,
            on=on,
            by=ACTOR,
        )
        state.documents[doc] = declaration.invoice
        state.contracts[doc] = list(declaration.contracts.all())

    planner.at(on, declare)
    _plan_settlement(planner, doc, on, credit=index == 1 and key % 4 == 2)
    # Wages and fees are paid with the payroll of the following month (the recent ones are still due).
    pay_on = (on.replace(day=1) + datetime.timedelta(days=62)).replace(day=1) - datetime.timedelta(days=1)

    def pay_contracts(state: _State) -> None:
        for contract in state.contracts.get(doc, []):
            contract_pay(contract=contract, on=pay_on, by=ACTOR)

    planner.at(pay_on, pay_contracts)


def _performers(
    planner: _Planner,
    state: _State,
    activity: Activity,
    budget: Decimal,
    kind: str,
    holder: int,
    partner: int | None,
    on: datetime.date,
) -> list[Performer]:
    people = [holder] if partner is None else [holder, partner]
    performers = []
    for position, person in enumerate(people):
        share = budget / len(people)
        person_kind = kind if position == 0 else ContractKind.FEES
        if person_kind == ContractKind.WAGE:
            share = share / DEFAULT_COEFFICIENTS.get(planner.country, Decimal("1.3"))
        step = Decimal(10) * _CURRENCY_FACTOR.get(planner.currency, Decimal(1))
        gross = (share / step).to_integral_value(rounding=ROUND_DOWN) * step
        if gross > 0:
            performers.append(Performer(state.members[person], gross, person_kind))
    return performers


def _plan_funding(planner: _Planner, key: int, on: datetime.date, holder: int) -> None:
    rng = planner.rng
    doc = planner._doc_keys
    planner._doc_keys += 1
    amount = planner.money(2000, 8000)
    funder_pick = rng.random()
    label = {"fr": "Soutien au projet", "nl": "Projectsteun", "de": "Projektförderung", "en": "Project support"}

    def declare(state: _State) -> None:
        funder, kind = state.funders[int(funder_pick * len(state.funders))]
        activity = state.activities[key]
        declaration = declare_performance(
            activity=activity,
            client=funder,
            lines=[LineInput(label[planner.lang], Decimal(1), amount, Decimal(0))],
            performers=[],
            performed_from=on,
            performed_to=on,
            country=planner.country,
            document_kind=kind,
            on=on,
            by=ACTOR,
        )
        state.documents[doc] = declaration.invoice

    planner.at(on, declare)
    _plan_settlement(planner, doc, on, credit=False)


def _plan_settlement(planner: _Planner, doc: int, issued: datetime.date, *, credit: bool) -> None:
    """Credit note (some invoices), then payments: full, partial, full in two, or none yet."""
    rng = planner.rng
    settlement = _SETTLEMENTS[(doc + planner.settlement_offset) % len(_SETTLEMENTS)]
    if credit:
        credit_on = issued + datetime.timedelta(days=rng.randint(3, 10))
        label = {"fr": "Correction : une séance annulée", "nl": "Correctie: één sessie geannuleerd"}
        label |= {"de": "Korrektur: ein Termin abgesagt", "en": "Correction: one session cancelled"}

        def credit_note(state: _State) -> None:
            invoice = state.documents.get(doc)
            if invoice is None:
                return
            first = invoice.lines.order_by("id").first()
            assert first is not None
            amount = round_amount(first.unit_price * Decimal("0.25"), invoice.currency)
            line = LineInput(label[planner.lang], Decimal(1), amount, first.vat_rate)
            credit_note_issue(invoice=invoice, lines=[line], on=credit_on, by=ACTOR)

        planner.at(credit_on, credit_note)
        settlement = "full"
    first_on = issued + datetime.timedelta(days=rng.randint(12, 45))
    second_on = first_on + datetime.timedelta(days=rng.randint(15, 40))
    fraction = Decimal(rng.randint(30, 60)) / 100

    def pay(state: _State, part: Decimal | None, on: datetime.date) -> None:
        invoice = state.documents.get(doc)
        if invoice is None:
            return
        due = document_due(invoice)
        amount = due if part is None else round_amount(due * part, invoice.currency)
        if amount > 0:
            payment_record(
                invoice=invoice,
                amount=amount,
                currency=invoice.currency,
                on=on,
                reference=f"{invoice.number}",
                by=ACTOR,
            )

    if settlement == "full":
        planner.at(first_on, lambda state: pay(state, None, first_on))
    elif settlement == "partial":
        planner.at(first_on, lambda state: pay(state, fraction, first_on))
    elif settlement == "full_in_two":
        planner.at(first_on, lambda state: pay(state, fraction, first_on))
        planner.at(second_on, lambda state: pay(state, None, second_on))


def _plan_expenses(planner: _Planner, key: int, holder: int, after: datetime.date, until: datetime.date) -> None:
    for _ in range(1 + key % 2):
        _plan_expense(planner, key, holder, after, until)


def _plan_expense(planner: _Planner, key: int, holder: int, after: datetime.date, until: datetime.date) -> None:
    rng = planner.rng
    exp = planner._expense_keys
    planner._expense_keys += 1
    # Final status cycled over the entity's expenses, so that every entity has each status.
    finals = [ExpenseStatus.REFUNDED, ExpenseStatus.APPROVED, ExpenseStatus.SUBMITTED, ExpenseStatus.REFUNDED]
    final = ExpenseStatus.REJECTED if exp % 9 == 8 else finals[exp % len(finals)]
    earliest = after + datetime.timedelta(days=5)
    spent = min(planner.day(earliest, max(until, earliest)), planner.today - datetime.timedelta(days=2))
    descriptions = _EXPENSES[planner.lang]
    description = descriptions[exp % len(descriptions)]
    amount = planner.money(20, 300)
    supplier_pick = rng.random()
    decided = spent + datetime.timedelta(days=rng.randint(1, 6))
    refunded = decided + datetime.timedelta(days=rng.randint(2, 12))

    def submit(state: _State) -> None:
        state.expenses[exp] = expense_submit(
            activity=state.activities[key],
            member=state.members[holder],
            supplier=state.suppliers[int(supplier_pick * len(state.suppliers))],
            description=description,
            amount=amount,
            currency=planner.currency,
            on=spent,
        )

    planner.at(spent, submit)
    if final == ExpenseStatus.REJECTED:
        planner.at(decided, lambda state: _reject(state, exp))
    elif final in (ExpenseStatus.APPROVED, ExpenseStatus.REFUNDED):
        planner.at(decided, lambda state: _approve(state, exp, decided))
        if final == ExpenseStatus.REFUNDED:
            planner.at(refunded, lambda state: _refund(state, exp, refunded))


def _approve(state: _State, exp: int, on: datetime.date) -> None:
    expense = state.expenses[exp]
    if activity_balance(expense.activity_id, expense.currency) >= expense.amount:  # else it stays submitted
        state.expenses[exp] = expense_approve(expense=expense, on=on, by=ACTOR)


def _refund(state: _State, exp: int, on: datetime.date) -> None:
    expense = state.expenses[exp]
    if expense.status == ExpenseStatus.APPROVED:
        state.expenses[exp] = expense_refund(expense=expense, on=on, by=ACTOR)


def _reject(state: _State, exp: int) -> None:
    state.expenses[exp] = expense_reject(expense=state.expenses[exp])


# --- entry point --------------------------------------------------------------------------------


def demo_operations_fill(
    entity: Entity, *, scale: int = 1, seed: str | None = None, today: datetime.date | None = None
) -> DemoSummary | None:
    """Fill the current entity (call inside ``tenant_context(entity)``) with demo operations; ``None``
    when it is closed or already has members. All of it in one transaction, or nothing."""
    if entity.is_closed or Member.objects.exists():
        return None
    if scale < 1:
        raise ValueError("scale must be at least 1")
    today = today or timezone.localdate()
    rng = random.Random(seed or f"{entity.slug}:{scale}")  # noqa: S311 (demo data, not secrets)
    planner = _Planner(entity, rng, today, scale)
    _plan(planner)
    state = _State(entity=entity, lang=planner.lang)
    with transaction.atomic():
        for _on, _order, action in sorted(planner.events, key=lambda event: (event[0], event[1])):
            action(state)
    return DemoSummary(
        members=len(state.members),
        activities=len(state.activities),
        clients=len(state.clients) + len(state.funders),
        documents=Invoice.objects.count(),
        payments=Payment.objects.count(),
        contracts=Contract.objects.count(),
        expenses=Expense.objects.count(),
    )


__all__ = ["DemoSummary", "demo_iban", "demo_operations_fill"]
