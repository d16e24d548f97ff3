"""Reads of the share register, the assemblies and the board (public schema)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.db.models import Count, QuerySet, Sum

from .models import (
    AgendaItem,
    Assembly,
    BoardRule,
    Cooperator,
    GovernanceRule,
    NominalValue,
    Participation,
    Proxy,
    RuleKind,
    ServiceUse,
    ShareClass,
    ShareTransaction,
    VotingLink,
)


def user_in_governance_team(*, user_id: int) -> bool:
    from .models import GovernanceTeamMembership

    return GovernanceTeamMembership.objects.filter(user_id=user_id).exists()


def nominal_in_force(on: datetime.date) -> NominalValue | None:
    return NominalValue.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def _transactions(on: datetime.date | None) -> QuerySet[ShareTransaction]:
    rows = ShareTransaction.objects.all()
    return rows.filter(on__lte=on) if on is not None else rows


def holdings_by_cooperator(*, on: datetime.date | None = None) -> dict[tuple[int, int], int]:
    """(cooperator pk, share class pk) -> shares held, from the transactions up to ``on`` included."""
    held: dict[tuple[int, int], int] = defaultdict(int)
    rows = _transactions(on)
    incoming = rows.filter(to_cooperator__isnull=False).values_list("to_cooperator", "share_class")
    for coop_pk, class_pk, n in incoming.annotate(n=Sum("count")):
        held[(coop_pk, class_pk)] += n
    outgoing = rows.filter(from_cooperator__isnull=False).values_list("from_cooperator", "share_class")
    for coop_pk, class_pk, n in outgoing.annotate(n=Sum("count")):
        held[(coop_pk, class_pk)] -= n
    return {key: n for key, n in held.items() if n}


def holding(*, cooperator: Cooperator, share_class: ShareClass, on: datetime.date | None = None) -> int:
    rows = _transactions(on).filter(share_class=share_class)
    got = rows.filter(to_cooperator=cooperator).aggregate(n=Sum("count"))["n"] or 0
    gone = rows.filter(from_cooperator=cooperator).aggregate(n=Sum("count"))["n"] or 0
    return int(got - gone)


def holdings_of(*, cooperator: Cooperator, on: datetime.date | None = None) -> list[tuple[ShareClass, int]]:
    result = []
    for share_class in ShareClass.objects.filter(transactions__isnull=False).distinct():
        held = holding(cooperator=cooperator, share_class=share_class, on=on)
        if held:
            result.append((share_class, held))
    return result


def shares_held(*, person_id: UUID, on: datetime.date | None = None) -> int:
    cooperator = Cooperator.objects.filter(person_id=person_id).first()
    if cooperator is None:
        return 0
    return sum(n for _, n in holdings_of(cooperator=cooperator, on=on))


@dataclass(frozen=True)
class RegisterRow:
    cooperator: Cooperator
    shares: int
    capital: dict[str, Decimal]  # currency -> amount at nominal


def register(*, on: datetime.date | None = None) -> list[RegisterRow]:
    classes = {c.pk: c for c in ShareClass.objects.all()}
    shares: dict[int, int] = defaultdict(int)
    capital: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for (coop_pk, class_pk), n in holdings_by_cooperator(on=on).items():
        share_class = classes[class_pk]
        shares[coop_pk] += n
        capital[coop_pk][share_class.currency] += n * share_class.nominal
    return [
        RegisterRow(cooperator=c, shares=shares.get(c.pk, 0), capital=dict(capital.get(c.pk, {})))
        for c in Cooperator.objects.select_related("entity_of_origin")
    ]


def capital_totals(*, by: str, on: datetime.date | None = None) -> dict[tuple[str, str], Decimal]:
    """Share capital at nominal, (group key, currency) -> amount; ``by`` is "category" (the holder's
    stakeholder category) or "entity" (the holder's entity of origin, by slug)."""
    if by not in ("category", "entity"):
        raise ValueError(by)
    classes = {c.pk: c for c in ShareClass.objects.all()}
    cooperators = {c.pk: c for c in Cooperator.objects.select_related("entity_of_origin")}
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for (coop_pk, class_pk), n in holdings_by_cooperator(on=on).items():
        cooperator, share_class = cooperators[coop_pk], classes[class_pk]
        key = cooperator.category if by == "category" else cooperator.entity_of_origin.slug
        totals[(key, share_class.currency)] += n * share_class.nominal
    return dict(sorted(totals.items()))


def capital_total(*, on: datetime.date | None = None) -> dict[str, Decimal]:
    """Total share capital per currency: purchases less redemptions (transfers move, never create)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for (_key, currency), amount in capital_totals(by="category", on=on).items():
        totals[currency] += amount
    return dict(totals)


def rule_in_force(*, kind: RuleKind, on: datetime.date) -> GovernanceRule | None:
    return GovernanceRule.objects.filter(kind=kind, effective_from__lte=on).order_by("-effective_from").first()


def years_of_service_use(*, person_id: UUID) -> set[int]:
    return set(ServiceUse.objects.filter(person_id=person_id).values_list("year", flat=True))


def board_rule(*, on: datetime.date) -> BoardRule | None:
    return BoardRule.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def cooperators_by_category() -> dict[str, int]:
    return dict(Cooperator.objects.values_list("category").annotate(n=Count("id")).order_by("category"))


# --- Remote voting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetLine:
    """One vote the holder of a voting link may cast: a resolution, for themselves or for a grantor."""

    item: AgendaItem
    voter: Cooperator
    by_proxy: bool
    voted: bool

    @property
    def field_name(self) -> str:
        return f"vote:{self.item.public_id}:{self.voter.public_id}"


@dataclass(frozen=True)
class VotingSheet:
    assembly: Assembly
    cooperator: Cooperator
    delegated_to: Cooperator | None  # the holder of the proxy the link's holder gave, if any
    lines: list[SheetLine]

    @property
    def open_lines(self) -> list[SheetLine]:
        return [line for line in self.lines if not line.voted]


def voting_sheet(*, link: VotingLink) -> VotingSheet:
    """The open resolutions of the link's assembly, for the holder (unless they gave a proxy) and for
    each cooperator who gave them one, each marked voted or not (participation only: no choice)."""
    assembly, cooperator = link.assembly, link.cooperator
    items = list(
        AgendaItem.objects.filter(assembly=assembly, resolution_type__isnull=False, result__isnull=True)
        .select_related("resolution_type")
        .order_by("position")
    )
    proxies = Proxy.objects.filter(assembly=assembly).select_related("grantor", "holder")
    given = next((p.holder for p in proxies if p.grantor_id == cooperator.pk), None)
    voters = [] if given is not None else [cooperator]
    grantors = sorted((p.grantor for p in proxies if p.holder_id == cooperator.pk), key=lambda c: c.display_name)
    voters += grantors
    voted = set(
        Participation.objects.filter(item__in=items, cooperator__in=voters).values_list("item_id", "cooperator_id")
    )
    lines = [
        SheetLine(item=item, voter=voter, by_proxy=voter.pk != cooperator.pk, voted=(item.pk, voter.pk) in voted)
        for voter in voters
        for item in items
    ]
    return VotingSheet(assembly=assembly, cooperator=cooperator, delegated_to=given, lines=lines)


def voting_links_status(*, assembly: Assembly) -> list[VotingLink]:
    """The links of an assembly for the team's page: who, sent when and where, used or not (no token)."""
    return list(
        VotingLink.objects.filter(assembly=assembly)
        .select_related("cooperator")
        .defer("token_hash")
        .order_by("cooperator__display_name", "id")
    )


def voting_link_by_token(*, token: str) -> VotingLink | None:
    """The link a token names whatever its state (to answer in its holder's language)."""
    from .services import voting_token_hash

    return VotingLink.objects.select_related("cooperator").filter(token_hash=voting_token_hash(token)).first()
