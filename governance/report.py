"""The annual social-purpose report (C12) for the general assembly, beside the financial report:
cooperators and members by category, country and gender, the board against its rules, participation
in the year's assemblies, service use and the share capital. HTML (template) and PDF, in the
reader's language.

Members are counted on the entity side through ``tenants.members.governance_port`` (inside each
entity's schema); everything else is the register's own data.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, tenant_context

from config.pdf import PdfDocument
from tenants.members import governance_port
from tenants.registry.models import Entity, EntityStatus

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
    )


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
        return document.render()
