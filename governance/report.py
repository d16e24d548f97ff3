"""The annual social-purpose report (C12) for the general assembly, beside the financial report:
cooperators and members by category, country and gender, the board against its rules, participation
in the year's assemblies, service use and the share capital, the mutualised services used during the
year, and the year's levy with what it funded. HTML (template) and PDF, in the reader's language.

Members are counted on the entity side through ``tenants.members.governance_port`` (inside each
entity's schema). The mutualised services are read from their own public tables (legal aid: counts
only, nothing of a case's content). The levy is the federation's consolidation read model
(``federation_api.Fact``, the same definition as the federation API's ``levy`` figure), per entity and
currency, split by the ``LevyAllocation`` of the policy in force for the entity's country on the first
day of each month. Amounts stay in their currency (no conversion, so no missing rate can hide a figure).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, tenant_context

from config.pdf import PdfDocument
from federation_api.models import Fact
from federation_api.selectors import METRICS
from shared_services.financing.models import AdvanceStatus, EquipmentLoan, LoanStatus, SubsidyAdvance
from shared_services.guarantee.models import FundMovement, MovementKind, MovementStatus
from shared_services.insurance.models import Claim, Coverage
from shared_services.legal_aid.models import LegalCase
from tenants.members import governance_port
from tenants.registry.models import Entity, EntityStatus, LevyPurpose
from tenants.registry.selectors import levy_policy_for

from . import selectors
from .board import BoardCheck
from .models import (
    ActionItem,
    ActionStatus,
    Attendance,
    Contribution,
    EthicsOpinion,
    EventKind,
    Gender,
    ParticipationEvent,
    Recommendation,
    ResolutionResult,
    ServiceUse,
    StakeholderCategory,
)


@dataclass(frozen=True)
class ResolutionLine:
    assembly: str
    item: str
    eligible: int
    participants: int
    adopted: bool


@dataclass
class ServiceFigures:
    """What the mutualised services did for one entity (or the group) during the year; amounts per
    currency. Legal aid: counts only (confidentiality)."""

    guarantee_advances: int = 0
    guarantee_advanced: dict[str, Decimal] = field(default_factory=dict)
    guarantee_covers: int = 0
    guarantee_covered: dict[str, Decimal] = field(default_factory=dict)
    insurance_coverages: int = 0
    insurance_claims: int = 0
    legal_cases_opened: int = 0
    legal_cases_closed: int = 0
    subsidy_advances: int = 0
    subsidy_advanced: dict[str, Decimal] = field(default_factory=dict)
    equipment_loans: int = 0
    equipment_lent: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class EntityServices:
    entity: str
    figures: ServiceFigures


@dataclass
class LevyLine:
    """The year's levy of one entity (or of the group, ``entity`` empty) in one currency, and its split
    by purpose (``""``: a part no allocation covers)."""

    entity: str
    currency: str
    levy: Decimal = Decimal("0.00")
    allocation: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class SocialReport:
    year: int
    on: datetime.date
    cooperators: int
    cooperators_by_category: dict[str, int]
    cooperators_by_country: dict[str, int]
    cooperators_by_gender: dict[str, int]
    members_by_category: dict[str, int]
    members_by_country: dict[str, int]
    board: BoardCheck
    resolutions: list[ResolutionLine]
    events_by_kind: dict[str, int]
    attendance: int
    contributions: int
    recommendations: int
    actions_by_status: dict[str, int]
    opinions_published: int
    service_users: int
    capital_by_category: dict[str, Decimal]  # EUR at nominal
    capital_total: Decimal
    services_by_entity: list[EntityServices] = field(default_factory=list)
    services_total: ServiceFigures = field(default_factory=ServiceFigures)
    levy_by_entity: list[LevyLine] = field(default_factory=list)
    levy_total: list[LevyLine] = field(default_factory=list)
    levy_purposes: list[str] = field(default_factory=list)


def social_report(*, year: int) -> SocialReport:
    from .services import board_sitting_check

    on = datetime.date(year, 12, 31)
    holders = {coop_pk for (coop_pk, _class), n in selectors.holdings_by_cooperator(on=on).items() if n > 0}
    rows = [row.cooperator for row in selectors.register(on=on) if row.cooperator.pk in holders]
    members_by_category: Counter[str] = Counter()
    members_by_country: Counter[str] = Counter()
    entities = Entity.objects.exclude(schema_name=get_public_schema_name()).exclude(status=EntityStatus.CLOSED)
    for entity in entities:
        with tenant_context(entity):
            members = governance_port.members_for_register()
        members_by_category.update(m.category for m in members)
        members_by_country[entity.country] += len(members)
    results = ResolutionResult.objects.filter(item__assembly__date__year=year).select_related("item__assembly")
    capital = selectors.capital_totals(by="category", on=on)
    services_by_entity, services_total = service_figures(year=year)
    levy_by_entity, levy_total = levy_figures(year=year)
    return SocialReport(
        year=year,
        on=on,
        cooperators=len(rows),
        cooperators_by_category=dict(Counter(c.category for c in rows)),
        cooperators_by_country=dict(Counter(c.entity_of_origin.country for c in rows)),
        cooperators_by_gender=dict(Counter(c.gender for c in rows if c.kind == "natural")),
        members_by_category=dict(members_by_category),
        members_by_country=dict(members_by_country),
        board=board_sitting_check(on=on),
        resolutions=[
            ResolutionLine(
                assembly=r.item.assembly.title,
                item=r.item.title,
                eligible=r.eligible,
                participants=r.participants,
                adopted=r.adopted,
            )
            for r in results.order_by("item__assembly__date", "item__position")
        ],
        events_by_kind=dict(
            Counter(ParticipationEvent.objects.filter(held_on__year=year).values_list("kind", flat=True))
        ),
        attendance=Attendance.objects.filter(event__held_on__year=year).count(),
        contributions=Contribution.objects.filter(received_on__year=year).count(),
        recommendations=Recommendation.objects.filter(made_on__year=year).count(),
        actions_by_status=dict(Counter(ActionItem.objects.values_list("status", flat=True))),
        opinions_published=EthicsOpinion.objects.filter(published_at__year=year).count(),
        service_users=ServiceUse.objects.filter(year=year).count(),
        capital_by_category={category: amount for (category, currency), amount in capital.items() if currency == "EUR"},
        capital_total=sum((a for (_c, currency), a in capital.items() if currency == "EUR"), Decimal(0)),
        services_by_entity=services_by_entity,
        services_total=services_total,
        levy_by_entity=levy_by_entity,
        levy_total=levy_total,
        levy_purposes=_levy_purposes(levy_total),
    )


def _count_and_sum(rows, amount: str) -> tuple[dict[int, int], dict[int, dict[str, Decimal]]]:  # type: ignore[no-untyped-def]
    counts: dict[int, int] = defaultdict(int)
    amounts: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in rows.values("entity_id", "currency").annotate(n=Count("id"), total=Sum(amount)):
        counts[row["entity_id"]] += row["n"]
        amounts[row["entity_id"]][row["currency"]] = row["total"]
    return counts, amounts


def _counts(rows) -> dict[int, int]:  # type: ignore[no-untyped-def]
    return {row["entity_id"]: row["n"] for row in rows.values("entity_id").annotate(n=Count("id"))}


def service_figures(*, year: int) -> tuple[list[EntityServices], ServiceFigures]:
    """The mutualised services used in ``year``, per entity (those that used any) and in total:
    guarantee fund advances and covers executed (value date in the year), insurance coverages of
    performances starting in the year and claims reported in it, legal cases opened and closed,
    subsidy advances paid out and equipment loans disbursed in the year."""
    executed = FundMovement.objects.filter(status=MovementStatus.EXECUTED, value_date__year=year)
    advances, advanced = _count_and_sum(executed.filter(kind=MovementKind.ADVANCE), "amount")
    covers, covered = _count_and_sum(executed.filter(kind=MovementKind.COVER), "amount")
    subsidies, subsidised = _count_and_sum(
        SubsidyAdvance.objects.filter(status__in=[AdvanceStatus.PAID, AdvanceStatus.REPAID], decided_on__year=year),
        "amount",
    )
    loans, lent = _count_and_sum(
        EquipmentLoan.objects.filter(status__in=[LoanStatus.DISBURSED, LoanStatus.REPAID], disbursed_on__year=year),
        "principal",
    )
    coverages = _counts(Coverage.objects.filter(starts_on__year=year))
    claims = _counts(Claim.objects.filter(reported_at__year=year))
    opened = _counts(LegalCase.objects.filter(opened_on__year=year))
    closed = _counts(LegalCase.objects.filter(closed_on__year=year))
    used = set(advances) | set(covers) | set(subsidies) | set(loans) | set(coverages) | set(claims)
    used |= set(opened) | set(closed)
    total = ServiceFigures()
    per_entity = []
    for entity in Entity.objects.filter(pk__in=used).order_by("display_name", "pk"):
        pk = entity.pk
        figures = ServiceFigures(
            guarantee_advances=advances.get(pk, 0),
            guarantee_advanced=dict(sorted(advanced.get(pk, {}).items())),
            guarantee_covers=covers.get(pk, 0),
            guarantee_covered=dict(sorted(covered.get(pk, {}).items())),
            insurance_coverages=coverages.get(pk, 0),
            insurance_claims=claims.get(pk, 0),
            legal_cases_opened=opened.get(pk, 0),
            legal_cases_closed=closed.get(pk, 0),
            subsidy_advances=subsidies.get(pk, 0),
            subsidy_advanced=dict(sorted(subsidised.get(pk, {}).items())),
            equipment_loans=loans.get(pk, 0),
            equipment_lent=dict(sorted(lent.get(pk, {}).items())),
        )
        per_entity.append(EntityServices(entity=entity.display_name, figures=figures))
        for name in ("guarantee_advances", "guarantee_covers", "insurance_coverages", "insurance_claims"):
            setattr(total, name, getattr(total, name) + getattr(figures, name))
        for name in ("legal_cases_opened", "legal_cases_closed", "subsidy_advances", "equipment_loans"):
            setattr(total, name, getattr(total, name) + getattr(figures, name))
        for name in ("guarantee_advanced", "guarantee_covered", "subsidy_advanced", "equipment_lent"):
            mine: dict[str, Decimal] = getattr(total, name)
            for currency, amount in getattr(figures, name).items():
                mine[currency] = mine.get(currency, Decimal("0.00")) + amount
    for name in ("guarantee_advanced", "guarantee_covered", "subsidy_advanced", "equipment_lent"):
        setattr(total, name, dict(sorted(getattr(total, name).items())))
    return per_entity, total


CENT = Decimal("0.01")


def split_levy(amount: Decimal, shares: list[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """``amount`` split by percentage ``shares`` (largest first), to the cent, half up; what rounding
    leaves goes to the largest share so that the parts add up to the amount exactly. Percentages that
    add up to less than 100 leave the rest under ``""`` (not allocated)."""
    parts: dict[str, Decimal] = {}
    for purpose, share in shares:
        parts[purpose] = (amount * share / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    covered = sum((share for _p, share in shares), Decimal(0))
    if covered < 100:
        parts[""] = amount - sum(parts.values(), Decimal("0.00"))
    elif shares:
        parts[shares[0][0]] += amount - sum(parts.values(), Decimal("0.00"))
    else:
        parts[""] = amount
    return parts


def levy_figures(*, year: int) -> tuple[list[LevyLine], list[LevyLine]]:
    """The year's levy per entity and currency (the consolidation's levy figure), and per currency for
    the group, each split by what the single percentage funds (``LevyAllocation``), month by month."""
    levy_q, sign = METRICS["levy"]
    rows = (
        Fact.objects.filter(levy_q, period__year=year)
        .values("entity_id", "period", "currency")
        .annotate(total=Sum("amount"))
        .order_by("entity_id", "period", "currency")
    )
    entities = {e.pk: e for e in Entity.objects.filter(pk__in={r["entity_id"] for r in rows})}
    lines: dict[tuple[int, str], LevyLine] = {}
    totals: dict[str, LevyLine] = {}
    for row in rows:
        entity = entities[row["entity_id"]]
        amount = sign * row["total"]
        if amount == 0:
            continue
        try:
            policy = levy_policy_for(country=entity.country, on=row["period"])
            shares = [(a.purpose, a.share) for a in policy.allocations.order_by("-share", "purpose")]
        except LookupError:
            shares = []
        parts = split_levy(amount, shares)
        line = lines.setdefault((entity.pk, row["currency"]), LevyLine(entity.display_name, row["currency"]))
        total = totals.setdefault(row["currency"], LevyLine("", row["currency"]))
        for target in (line, total):
            target.levy += amount
            for purpose, part in parts.items():
                target.allocation[purpose] = target.allocation.get(purpose, Decimal("0.00")) + part
    by_entity = sorted(lines.values(), key=lambda line: (line.entity, line.currency))
    return by_entity, [totals[c] for c in sorted(totals)]


def _levy_purposes(levy_total: list[LevyLine]) -> list[str]:
    """The purposes the year's levy went to, in the registry's order, "not allocated" last."""
    used = {purpose for line in levy_total for purpose in line.allocation}
    return [p for p in LevyPurpose.values if p in used] + ([""] if "" in used else [])


def purpose_label(value: str) -> str:
    return str(LevyPurpose(value).label) if value in LevyPurpose.values else _("Not allocated")


def money_by_currency(amounts: dict[str, Decimal]) -> str:
    return ", ".join(f"{amount} {currency}" for currency, amount in amounts.items()) or "0"


def service_rows(figures: ServiceFigures) -> list[tuple[str, str]]:
    """The figures as (label, value) rows, in the reader's language (HTML and PDF alike)."""
    return [
        (_("Guarantee fund: wage advances"), str(figures.guarantee_advances)),
        (_("Guarantee fund: amount advanced"), money_by_currency(figures.guarantee_advanced)),
        (_("Guarantee fund: unpaid invoices covered"), str(figures.guarantee_covers)),
        (_("Guarantee fund: amount covered"), money_by_currency(figures.guarantee_covered)),
        (_("Insurance: performances covered (certificates)"), str(figures.insurance_coverages)),
        (_("Insurance: claims reported"), str(figures.insurance_claims)),
        (_("Legal aid: cases opened"), str(figures.legal_cases_opened)),
        (_("Legal aid: cases closed"), str(figures.legal_cases_closed)),
        (_("Financing: subsidy advances paid out"), str(figures.subsidy_advances)),
        (_("Financing: amount advanced on subsidies"), money_by_currency(figures.subsidy_advanced)),
        (_("Financing: equipment loans disbursed"), str(figures.equipment_loans)),
        (_("Financing: amount lent for equipment"), money_by_currency(figures.equipment_lent)),
    ]


def entity_service_rows(report: SocialReport) -> list[tuple[str, str, str]]:
    """Per entity, the services it used (figures other than zero)."""
    return [
        (line.entity, label, value)
        for line in report.services_by_entity
        for label, value in service_rows(line.figures)
        if value != "0"
    ]


def levy_table(report: SocialReport) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the levy table: entity, currency, levy, then one column per purpose."""
    header = [_("Entity"), _("Currency"), _("Levy"), *[purpose_label(p) for p in report.levy_purposes]]
    rows = [
        [
            line.entity or _("Group total"),
            line.currency,
            str(line.levy),
            *[str(line.allocation.get(p, Decimal("0.00"))) for p in report.levy_purposes],
        ]
        for line in [*report.levy_by_entity, *report.levy_total]
    ]
    return header, rows


def category_label(value: str) -> str:
    return str(StakeholderCategory(value).label) if value in StakeholderCategory.values else value


def gender_label(value: str) -> str:
    return str(Gender(value).label) if value in Gender.values else _("Not recorded")


def social_report_pdf(*, report: SocialReport, language: str) -> bytes:
    with translation.override(language):
        document = PdfDocument(
            title=_("SMart Coop: social-purpose report %(year)s") % {"year": report.year}, author="SMart Coop"
        )
        document.heading(_("Cooperators"))
        document.paragraph(
            _("%(count)s cooperators held shares on %(date)s.") % {"count": report.cooperators, "date": report.on}
        )
        document.table(
            [_("Stakeholder category"), _("Cooperators"), _("Members"), _("Capital (EUR)")],
            [
                [
                    category_label(c),
                    str(report.cooperators_by_category.get(c, 0)),
                    str(report.members_by_category.get(c, 0)),
                    str(report.capital_by_category.get(c, Decimal("0.00"))),
                ]
                for c in StakeholderCategory.values
            ],
        )
        document.table(
            [_("Country"), _("Cooperators"), _("Members")],
            [
                [
                    country,
                    str(report.cooperators_by_country.get(country, 0)),
                    str(report.members_by_country.get(country, 0)),
                ]
                for country in sorted(set(report.cooperators_by_country) | set(report.members_by_country))
            ],
        )
        document.table(
            [_("Gender"), _("Cooperators (natural persons)")],
            [[gender_label(g), str(n)] for g, n in sorted(report.cooperators_by_gender.items())],
        )
        document.heading(_("Board"))
        if report.board.ok:
            document.paragraph(_("The composition meets the board rules."))
        else:
            document.paragraph(_("The composition does not meet the board rules:"))
            for reason in report.board.reasons:
                document.paragraph(f"• {reason}")
        document.heading(_("Participation"))
        document.table(
            [_("Assembly"), _("Resolution"), _("Turnout"), _("Result")],
            [
                [
                    line.assembly,
                    line.item,
                    f"{line.participants} / {line.eligible}",
                    _("Adopted") if line.adopted else _("Rejected"),
                ]
                for line in report.resolutions
            ],
        )
        document.table(
            [_("Permanent participation"), _("Number")],
            [
                *[[str(EventKind(k).label), str(n)] for k, n in sorted(report.events_by_kind.items())],
                [_("Attendance"), str(report.attendance)],
                [_("Written contributions"), str(report.contributions)],
                [_("Recommendations"), str(report.recommendations)],
                *[
                    [_("Actions: %(status)s") % {"status": ActionStatus(k).label}, str(n)]
                    for k, n in sorted(report.actions_by_status.items())
                ],
                [_("Ethics opinions published"), str(report.opinions_published)],
            ],
        )
        document.heading(_("Service use"))
        document.paragraph(
            _("%(count)s persons used the services (declared a performance) in %(year)s.")
            % {"count": report.service_users, "year": report.year}
        )
        document.paragraph(_("Share capital at nominal value: %(amount)s EUR.") % {"amount": report.capital_total})
        document.heading(_("Mutualised services used in %(year)s") % {"year": report.year})
        document.table([_("Service"), _("Group total")], [list(row) for row in service_rows(report.services_total)])
        document.table([_("Entity"), _("Service"), _("Figure")], [list(row) for row in entity_service_rows(report)])
        document.heading(_("The levy and what it funded"))
        document.paragraph(
            _(
                "The single percentage levied in %(year)s by each entity, and its split by what it funds "
                "(the allocation of the levy policy in force each month)."
            )
            % {"year": report.year}
        )
        header, rows = levy_table(report)
        document.table(header, rows)
        return document.render()
