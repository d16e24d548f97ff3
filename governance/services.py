"""Writes of the share register, the service-use rule, the assemblies and the board.

Every refusal is a ``PlatformError`` raised before anything is written (or inside the transaction
that it then rolls back). Movements of shares lock the cooperators they take shares from (row lock,
in primary-key order) so that two transfers of the same shares cannot both pass; PostgreSQL checks
again that no holding goes below zero (migration 0002).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import smtplib
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, NoReturn
from uuid import UUID

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from config.errors import PlatformError
from config.pdf import PdfDocument
from tenants.declarations.checks import DeclarationFacts
from tenants.registry.models import Entity

from . import errors, selectors
from .board import BoardCheck, Seat, board_composition_check
from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Assembly,
    AssemblyKind,
    AssemblySession,
    AssemblyStatus,
    Attendance,
    Ballot,
    BoardSeat,
    CandidateList,
    CandidateListStatus,
    Channel,
    Choice,
    CollegeWeight,
    Contribution,
    Cooperator,
    CooperatorKind,
    EthicsOpinion,
    EthicsReferral,
    EventKind,
    GovernanceTeamMembership,
    Participation,
    ParticipationEvent,
    Proxy,
    Recommendation,
    ResolutionResult,
    ResolutionType,
    RollEntry,
    RuleKind,
    SeizedBy,
    ServiceUse,
    ShareClass,
    ShareTransaction,
    StakeholderCategory,
    Theme,
    TransactionKind,
    VotingLink,
)

logger = logging.getLogger(__name__)

# --- Share register --------------------------------------------------------------------------------


def share_class_for(*, category: str, on: datetime.date) -> ShareClass:
    """The class new shares of ``category`` are issued in on ``on``: the nominal value in force."""
    nominal = selectors.nominal_in_force(on)
    if nominal is None:
        raise errors.catalog.error(errors.NO_NOMINAL_VALUE, status=409, on=on)
    share_class, _created = ShareClass.objects.get_or_create(
        category=category,
        nominal=nominal.amount,
        currency=nominal.currency,
        defaults={"code": f"{category}-{nominal.amount}-{nominal.currency}"},
    )
    return share_class


def _check_price(share_class: ShareClass, price_per_share: Decimal | None) -> None:
    if price_per_share is None or price_per_share == share_class.nominal:
        return
    nominal = f"{share_class.nominal} {share_class.currency}"
    price = f"{price_per_share} {share_class.currency}"
    code = errors.ABOVE_NOMINAL if price_per_share > share_class.nominal else errors.NOT_AT_NOMINAL
    raise errors.catalog.error(code, field="price_per_share", status=409, nominal=nominal, price=price)


def _check_count(count: int) -> None:
    if not isinstance(count, int) or count < 1:
        raise errors.catalog.error(errors.COUNT_NOT_POSITIVE, field="count")


def _lock(*cooperators: Cooperator) -> None:
    for cooperator in sorted(cooperators, key=lambda c: c.pk):
        Cooperator.objects.select_for_update().filter(pk=cooperator.pk).get()


def _record(**fields: Any) -> ShareTransaction:
    """One transaction per request key: a form sent twice records the movement once."""
    existing = ShareTransaction.objects.filter(request_key=fields["request_key"]).first()
    if existing is not None:
        return existing
    share_class: ShareClass = fields["share_class"]
    return ShareTransaction.objects.create(price_per_share=share_class.nominal, currency=share_class.currency, **fields)


@transaction.atomic
def cooperator_admit(
    *,
    person_id: UUID,
    kind: str,
    display_name: str,
    language: str,
    gender: str,
    category: str,
    entity: Entity,
    on: datetime.date,
    shares: int,
    by: str,
    request_key: str,
    email: str = "",
) -> Cooperator:
    """Enter a person in the register with their first shares (a cooperator holds at least one)."""
    _check_count(shares)
    if kind not in CooperatorKind.values or category not in StakeholderCategory.values:
        raise errors.catalog.error(errors.BAD_CHOICE, field="category")
    if entity.is_closed:
        raise errors.catalog.error(errors.ENTITY_CLOSED, field="entity", status=409, entity=entity.display_name)
    if Cooperator.objects.filter(person_id=person_id).exists():
        raise errors.catalog.error(errors.ALREADY_COOPERATOR, field="person_id", status=409)
    share_class = share_class_for(category=category, on=on)
    cooperator = Cooperator.objects.create(
        person_id=person_id,
        kind=kind,
        display_name=display_name,
        language=language,
        gender=gender,
        category=category,
        email=email,
        entity_of_origin=entity,
        admitted_on=on,
    )
    _record(
        kind=TransactionKind.PURCHASE,
        share_class=share_class,
        count=shares,
        to_cooperator=cooperator,
        on=on,
        recorded_by=by,
        request_key=request_key,
    )
    return cooperator


@transaction.atomic
def shares_purchase(
    *,
    cooperator: Cooperator,
    count: int,
    on: datetime.date,
    by: str,
    request_key: str,
    price_per_share: Decimal | None = None,
) -> ShareTransaction:
    """New shares bought from SMart Coop at the nominal value in force, in the cooperator's class.

    Paid by the person, never from an activity's budget: no entity ledger is touched here."""
    _check_count(count)
    share_class = share_class_for(category=cooperator.category, on=on)
    _check_price(share_class, price_per_share)
    return _record(
        kind=TransactionKind.PURCHASE,
        share_class=share_class,
        count=count,
        to_cooperator=cooperator,
        on=on,
        recorded_by=by,
        request_key=request_key,
    )


def _check_in_order(cooperator: Cooperator, on: datetime.date) -> None:
    """Shares leave a holder at the end of their history only: a back-dated transfer or redemption
    could make an earlier holding (an assembly's roll, a certificate) negative."""
    last = (
        ShareTransaction.objects.filter(Q(from_cooperator=cooperator) | Q(to_cooperator=cooperator))
        .order_by("-on")
        .values_list("on", flat=True)
        .first()
    )
    if last is not None and on < last:
        raise errors.catalog.error(errors.BACKDATED, field="on", status=409, name=cooperator.display_name, last=last)


def _check_held(cooperator: Cooperator, share_class: ShareClass, count: int) -> None:
    held = selectors.holding(cooperator=cooperator, share_class=share_class)
    if held < count:
        raise errors.catalog.error(
            errors.SHARES_NOT_HELD,
            field="count",
            status=409,
            name=cooperator.display_name,
            held=held,
            share_class=share_class.code,
            count=count,
        )


@transaction.atomic
def shares_transfer(
    *,
    from_cooperator: Cooperator,
    to_cooperator: Cooperator,
    share_class: ShareClass,
    count: int,
    on: datetime.date,
    by: str,
    request_key: str,
    price_per_share: Decimal | None = None,
) -> ShareTransaction:
    """Shares passed from one cooperator to another, at their nominal value."""
    _check_count(count)
    if from_cooperator.pk == to_cooperator.pk:
        raise errors.catalog.error(errors.TRANSFER_TO_SELF, field="to_cooperator")
    _check_price(share_class, price_per_share)
    _lock(from_cooperator, to_cooperator)
    if ShareTransaction.objects.filter(request_key=request_key).exists():
        return ShareTransaction.objects.get(request_key=request_key)
    _check_in_order(from_cooperator, on)
    _check_held(from_cooperator, share_class, count)
    return _record(
        kind=TransactionKind.TRANSFER,
        share_class=share_class,
        count=count,
        from_cooperator=from_cooperator,
        to_cooperator=to_cooperator,
        on=on,
        recorded_by=by,
        request_key=request_key,
    )


@transaction.atomic
def shares_redeem(
    *,
    cooperator: Cooperator,
    share_class: ShareClass,
    count: int,
    on: datetime.date,
    by: str,
    request_key: str,
    price_per_share: Decimal | None = None,
) -> ShareTransaction:
    """Shares taken back by SMart Coop, never above their nominal value."""
    _check_count(count)
    _check_price(share_class, price_per_share)
    _lock(cooperator)
    if ShareTransaction.objects.filter(request_key=request_key).exists():
        return ShareTransaction.objects.get(request_key=request_key)
    _check_in_order(cooperator, on)
    _check_held(cooperator, share_class, count)
    return _record(
        kind=TransactionKind.REDEMPTION,
        share_class=share_class,
        count=count,
        from_cooperator=cooperator,
        on=on,
        recorded_by=by,
        request_key=request_key,
    )


def shares_dividend_pay(**_kwargs: Any) -> NoReturn:
    """There is no dividend (C10). Asked anyway (an API, a script), the register says why."""
    raise errors.catalog.error(errors.NO_DIVIDEND, status=409)


def shares_revalue(**_kwargs: Any) -> NoReturn:
    """A share's value never increases (C10): no revaluation, ever."""
    raise errors.catalog.error(errors.NO_REVALUATION, status=409)


def share_certificate_pdf(*, cooperator: Cooperator, on: datetime.date) -> bytes:
    """The cooperator's share certificate, in their language: holdings at nominal on ``on``."""
    holdings = selectors.holdings_of(cooperator=cooperator, on=on)
    with translation.override(cooperator.language):
        document = PdfDocument(title=_("SMart Coop: share certificate"), author="SMart Coop")
        document.paragraph(
            _("SMart Coop certifies that %(name)s is entered in its share register and holds, on %(date)s:")
            % {"name": cooperator.display_name, "date": date_format(on, "DATE_FORMAT")}
        )
        document.table(
            [_("Share class"), _("Shares"), _("Nominal value"), _("Amount")],
            [
                [
                    str(StakeholderCategory(share_class.category).label),
                    str(count),
                    f"{share_class.nominal} {share_class.currency}",
                    f"{count * share_class.nominal} {share_class.currency}",
                ]
                for share_class, count in holdings
            ],
        )
        document.rows(
            [
                (_("Cooperator"), cooperator.display_name),
                (_("Register number"), str(cooperator.public_id)),
                (_("Stakeholder category"), str(StakeholderCategory(cooperator.category).label)),
                (_("Admitted on"), date_format(cooperator.admitted_on, "DATE_FORMAT")),
            ]
        )
        document.paragraph(
            _(
                "Shares are bought, transferred and redeemed at their nominal value only. They bear no "
                "dividend and their value never increases. Each cooperator has one vote at the general "
                "assembly, whatever the number of shares held."
            )
        )
        return document.render()


# --- Service use ------------------------------------------------------------------------------------


def declaration_cooperator_check(facts: DeclarationFacts) -> None:
    """A declaration check (``settings.DECLARATION_CHECKS``): every performer must be a cooperator up
    to date with the rule in force (``GovernanceRule`` shares_per_year_of_use; none: not gated).

    Years of service use are the distinct calendar years in which the person declared, the current
    one included, as recorded by this check in ``ServiceUse`` (the public side never reads entity
    tables). Runs inside the declaration's transaction: a refused declaration writes nothing, an
    accepted one records this year's use with it."""
    today = timezone.localdate()
    rule = selectors.rule_in_force(kind=RuleKind.SHARES_PER_YEAR_OF_USE, on=today)
    if rule is None:
        return
    nominal = selectors.nominal_in_force(today)
    nominal_label = f"{nominal.amount} {nominal.currency}" if nominal else "-"
    for performer in facts.performers:
        years = selectors.years_of_service_use(person_id=performer.person_id) | {today.year}
        required = rule.value * len(years)
        held = selectors.shares_held(person_id=performer.person_id)
        if held == 0:
            raise errors.catalog.error(
                errors.NOT_A_COOPERATOR,
                field="performers",
                status=409,
                name=performer.display_name,
                required=required,
                nominal=nominal_label,
            )
        if held < required:
            raise errors.catalog.error(
                errors.SHARES_NOT_UP_TO_DATE,
                field="performers",
                status=409,
                name=performer.display_name,
                held=held,
                required=required,
                per_year=rule.value,
                years=len(years),
                missing=required - held,
            )
    entity = Entity.objects.filter(pk=facts.entity_id).first()
    ServiceUse.objects.bulk_create(
        [
            ServiceUse(person_id=p.person_id, year=today.year, first_entity=entity, first_on=today)
            for p in facts.performers
        ],
        ignore_conflicts=True,
    )


# --- General assemblies -----------------------------------------------------------------------------


def assembly_create(
    *,
    kind: str,
    title: str,
    date: datetime.date,
    record_date: datetime.date,
    remote_opens_at: datetime.datetime,
    remote_closes_at: datetime.datetime,
    proxy_limit: int,
    by: str,
) -> Assembly:
    if kind not in AssemblyKind.values:
        raise errors.catalog.error(errors.BAD_CHOICE, field="kind")
    if record_date > date:
        raise PlatformError(
            "governance_record_date_after_assembly",
            _("The record date must not be after the assembly."),
            field="record_date",
        )
    if remote_opens_at >= remote_closes_at:
        raise PlatformError(
            "governance_window_empty",
            _("Remote voting must open before it closes."),
            field="remote_closes_at",
        )
    return Assembly.objects.create(
        kind=kind,
        title=title,
        date=date,
        record_date=record_date,
        remote_opens_at=remote_opens_at,
        remote_closes_at=remote_closes_at,
        proxy_limit=proxy_limit,
    )


def _draft(assembly: Assembly) -> None:
    if not Assembly.objects.filter(pk=assembly.pk, status=AssemblyStatus.DRAFT).exists():
        raise errors.catalog.error(errors.ASSEMBLY_NOT_DRAFT, status=409)


def assembly_session_add(*, assembly: Assembly, place: str, starts_at: datetime.datetime) -> AssemblySession:
    _draft(assembly)
    return AssemblySession.objects.create(assembly=assembly, place=place, starts_at=starts_at)


def agenda_item_add(
    *,
    assembly: Assembly,
    title: str,
    body: str = "",
    document_url: str = "",
    resolution_type: ResolutionType | None = None,
) -> AgendaItem:
    _draft(assembly)
    position = (assembly.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    return AgendaItem.objects.create(
        assembly=assembly,
        position=position,
        title=title,
        body=body,
        document_url=document_url,
        resolution_type=resolution_type,
    )


def college_weight_set(*, assembly: Assembly, category: str, weight: Decimal) -> CollegeWeight:
    _draft(assembly)
    if category not in StakeholderCategory.values:
        raise errors.catalog.error(errors.BAD_CHOICE, field="category")
    row, _created = CollegeWeight.objects.update_or_create(
        assembly=assembly, category=category, defaults={"weight": weight}
    )
    return row


@transaction.atomic
def assembly_convene(*, assembly: Assembly, by: str, now: datetime.datetime | None = None) -> Assembly:
    """Send the convocation: the agenda and the voter roll (the register at the record date) are fixed."""
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    _draft(assembly)
    if not assembly.items.exists():
        raise errors.catalog.error(errors.ASSEMBLY_NO_RESOLUTION, status=409)
    if assembly.record_date > timezone.localdate(now or timezone.now()):
        raise errors.catalog.error(errors.RECORD_DATE_FUTURE, status=409, date=assembly.record_date)
    weights = list(assembly.college_weights.values_list("weight", flat=True))
    if weights and sum(weights) != 100:
        raise errors.catalog.error(errors.WEIGHTS_NOT_100, status=409, total=sum(weights))
    shares: Counter[int] = Counter()
    for (coop_pk, _class_pk), n in selectors.holdings_by_cooperator(on=assembly.record_date).items():
        shares[coop_pk] += n
    RollEntry.objects.bulk_create(
        [
            RollEntry(
                assembly=assembly, cooperator=cooperator, category=cooperator.category, shares=shares[cooperator.pk]
            )
            for cooperator in Cooperator.objects.filter(pk__in=[pk for pk, n in shares.items() if n > 0])
        ]
    )
    assembly.status = AssemblyStatus.CONVENED
    assembly.convened_at = now or timezone.now()
    assembly.convened_by = by
    assembly.save(update_fields=["status", "convened_at", "convened_by"])
    for entry in RollEntry.objects.filter(assembly=assembly).select_related("cooperator"):
        _voting_link_write(assembly=assembly, cooperator=entry.cooperator, by=by, now=assembly.convened_at)
    return assembly


def _roll_entry(assembly: Assembly, cooperator: Cooperator) -> RollEntry:
    entry = RollEntry.objects.filter(assembly=assembly, cooperator=cooperator).first()
    if entry is None:
        raise errors.catalog.error(
            errors.NOT_ON_ROLL,
            field="cooperator",
            status=403,
            name=cooperator.display_name,
            record_date=assembly.record_date,
        )
    return entry


@transaction.atomic
def proxy_give(*, assembly: Assembly, grantor: Cooperator, holder: Cooperator, by: str) -> Proxy:
    """A cooperator gives their vote to another, within the per-person limit."""
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if assembly.status != AssemblyStatus.CONVENED:
        raise errors.catalog.error(errors.ASSEMBLY_NOT_CONVENED, status=409)
    if grantor.pk == holder.pk:
        raise errors.catalog.error(errors.PROXY_TO_SELF, field="holder")
    _roll_entry(assembly, grantor)
    _roll_entry(assembly, holder)
    proxies = Proxy.objects.filter(assembly=assembly)
    if proxies.filter(grantor=grantor).exists():
        raise errors.catalog.error(errors.PROXY_EXISTS, field="grantor", status=409, name=grantor.display_name)
    if proxies.filter(grantor=holder).exists():
        raise errors.catalog.error(errors.PROXY_HOLDER_DELEGATED, field="holder", status=409, name=holder.display_name)
    if proxies.filter(holder=grantor).exists():
        # A proxy holder who delegates would pass on votes they hold for others: refused (no chains).
        raise errors.catalog.error(
            errors.PROXY_HOLDER_DELEGATED, field="grantor", status=409, name=grantor.display_name
        )
    if proxies.filter(holder=holder).count() >= assembly.proxy_limit:
        raise errors.catalog.error(
            errors.PROXY_LIMIT, field="holder", status=409, name=holder.display_name, limit=assembly.proxy_limit
        )
    return Proxy.objects.create(assembly=assembly, grantor=grantor, holder=holder, recorded_by=by)


@transaction.atomic
def vote_cast(
    *,
    item: AgendaItem,
    voter: Cooperator,
    choice: str,
    channel: str,
    by: str,
    proxy_holder: Cooperator | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """Record one secret vote: the ballot (the choice, no voter) and the participation (the voter, no
    choice), in one transaction. Returns nothing: no caller ever holds both halves together."""
    now = now or timezone.now()
    assembly = Assembly.objects.select_for_update().get(pk=item.assembly_id)
    if item.resolution_type_id is None:
        raise errors.catalog.error(errors.NOT_A_RESOLUTION, status=409)
    if assembly.status != AssemblyStatus.CONVENED:
        raise errors.catalog.error(errors.ASSEMBLY_NOT_CONVENED, status=409)
    if ResolutionResult.objects.filter(item=item).exists():
        raise errors.catalog.error(errors.VOTE_CLOSED, status=409)
    if choice not in Choice.values:
        raise errors.catalog.error(errors.BAD_CHOICE, field="choice")
    if channel == Channel.REMOTE:
        if not assembly.remote_opens_at <= now < assembly.remote_closes_at:
            raise errors.catalog.error(
                errors.OUTSIDE_WINDOW,
                status=409,
                opens=timezone.localtime(assembly.remote_opens_at).strftime("%Y-%m-%d %H:%M"),
                closes=timezone.localtime(assembly.remote_closes_at).strftime("%Y-%m-%d %H:%M"),
            )
    elif channel == Channel.SESSION:
        if timezone.localdate(now) != assembly.date:
            raise errors.catalog.error(errors.SESSION_NOT_TODAY, status=409, date=assembly.date)
    else:
        raise errors.catalog.error(errors.BAD_CHOICE, field="channel")
    entry = _roll_entry(assembly, voter)
    proxies = Proxy.objects.filter(assembly=assembly, grantor=voter)
    if proxy_holder is not None:
        if not proxies.filter(holder=proxy_holder).exists():
            raise errors.catalog.error(
                errors.PROXY_NOT_HELD,
                field="voter",
                status=403,
                holder=proxy_holder.display_name,
                name=voter.display_name,
            )
    elif proxies.exists():
        raise errors.catalog.error(errors.VOTER_HAS_DELEGATED, field="voter", status=409, name=voter.display_name)
    weighted = assembly.college_weights.exists()
    try:
        with transaction.atomic():
            Participation.objects.create(
                item=item, cooperator=voter, channel=channel, by_proxy=proxy_holder is not None
            )
    except IntegrityError:
        raise errors.catalog.error(errors.ALREADY_VOTED, field="voter", status=409, name=voter.display_name) from None
    Ballot.objects.create(item=item, choice=choice, college=entry.category if weighted else "")


def tally(*, item: AgendaItem) -> tuple[Counter[str], Fraction | None]:
    """Counts per choice and the share of decisive votes for (weighted by college when the assembly
    weights; colleges without a decisive vote drop out and the others' weights are rescaled)."""
    counts: Counter[str] = Counter()
    per_college: dict[str, Counter[str]] = {}
    for choice, college in Ballot.objects.filter(item=item).values_list("choice", "college"):
        counts[choice] += 1
        per_college.setdefault(college, Counter())[choice] += 1
    weights = {w.category: Fraction(w.weight) for w in CollegeWeight.objects.filter(assembly_id=item.assembly_id)}
    if not weights:
        decisive = counts[Choice.FOR] + counts[Choice.AGAINST]
        return counts, Fraction(counts[Choice.FOR], decisive) if decisive else None
    weighted_for, weight_used = Fraction(0), Fraction(0)
    for college, weight in weights.items():
        college_counts = per_college.get(college, Counter())
        decisive = college_counts[Choice.FOR] + college_counts[Choice.AGAINST]
        if decisive:
            weighted_for += weight * Fraction(college_counts[Choice.FOR], decisive)
            weight_used += weight
    return counts, (weighted_for / weight_used) if weight_used else None


def _ballots_reshuffle(item: AgendaItem) -> None:
    """Re-insert the item's ballots, in random order with new random keys, in the closing transaction.

    A ballot and its participation are written by one transaction, so PostgreSQL's system column
    ``xmin`` (readable by the application) is the same on both rows while the vote is open. Once the
    vote closes every ballot carries the closing transaction's id instead, and the rows' physical
    order no longer follows the order of the votes: nothing left links a ballot to its voter."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('governance.reshuffle', %s, true)", [str(item.pk)])
        cursor.execute("SELECT id FROM governance_ballot WHERE item_id = %s", [item.pk])
        old = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "INSERT INTO governance_ballot (id, item_id, choice, college) "
            "SELECT gen_random_uuid(), item_id, choice, college FROM governance_ballot "
            "WHERE item_id = %s ORDER BY random()",
            [item.pk],
        )
        cursor.execute("DELETE FROM governance_ballot WHERE id = ANY(%s)", [old])
        cursor.execute("SELECT set_config('governance.reshuffle', '', true)")


@transaction.atomic
def vote_close(*, item: AgendaItem, by: str) -> ResolutionResult:
    """Close the vote on one resolution and compute its result, exactly and once."""
    assembly = Assembly.objects.select_for_update().get(pk=item.assembly_id)
    if item.resolution_type is None:
        raise errors.catalog.error(errors.NOT_A_RESOLUTION, status=409)
    existing = ResolutionResult.objects.filter(item=item).first()
    if existing is not None:
        return existing
    if assembly.status == AssemblyStatus.DRAFT:
        raise errors.catalog.error(errors.ASSEMBLY_NOT_CONVENED, status=409)
    rules = item.resolution_type
    eligible = RollEntry.objects.filter(assembly=assembly).count()
    participants = Participation.objects.filter(item=item).count()
    counts, share_for = tally(item=item)
    assert sum(counts.values()) == participants  # one ballot per participation, same transaction
    quorum_met = Decimal(participants) * 100 >= rules.quorum_percent * eligible and participants > 0
    threshold = Fraction(rules.majority_numerator, rules.majority_denominator)
    if share_for is None:
        majority_met = False
    else:
        majority_met = share_for > threshold if rules.majority_strict else share_for >= threshold
    share = share_for if share_for is not None else Fraction(0)
    _ballots_reshuffle(item)
    return ResolutionResult.objects.create(
        item=item,
        eligible=eligible,
        participants=participants,
        votes_for=counts[Choice.FOR],
        votes_against=counts[Choice.AGAINST],
        abstentions=counts[Choice.ABSTAIN],
        for_numerator=str(share.numerator),
        for_denominator=str(share.denominator),
        quorum_met=quorum_met,
        majority_met=majority_met,
        adopted=quorum_met and majority_met,
        closed_by=by,
    )


@transaction.atomic
def assembly_close(*, assembly: Assembly, by: str) -> Assembly:
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if assembly.status != AssemblyStatus.CONVENED:
        raise errors.catalog.error(errors.ASSEMBLY_NOT_CONVENED, status=409)
    for item in assembly.items.filter(resolution_type__isnull=False).select_related("resolution_type"):
        vote_close(item=item, by=by)
    assembly.status = AssemblyStatus.CLOSED
    assembly.save(update_fields=["status"])
    return assembly


# --- Remote voting by personal link ------------------------------------------------------------------


def voting_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def voting_link_url(token: str) -> str:
    """The absolute address of a personal voting link on the group domain."""
    path = reverse("governance_remote_vote", args=[token], urlconf=settings.PUBLIC_SCHEMA_URLCONF)
    port = f":{settings.PUBLIC_PORT}" if settings.PUBLIC_PORT else ""
    return f"{settings.PUBLIC_SCHEME}://{settings.BASE_DOMAIN}{port}{path}"


def _window_label(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _voting_link_send(*, link_pk: int, token: str) -> None:
    """Mail the link to the cooperator, in their language, once the link is committed. A mail server
    that refuses is logged and leaves the link unsent: the team sees it and issues it again."""
    link = VotingLink.objects.select_related("assembly", "cooperator").filter(pk=link_pk).first()
    if link is None or link.token_hash != voting_token_hash(token) or not link.cooperator.email:
        return
    assembly, cooperator = link.assembly, link.cooperator
    with translation.override(cooperator.language):
        subject = _("SMart Coop: your personal link to vote (%(title)s)") % {"title": assembly.title}
        body = _(
            'Hello %(name)s,\n\nYou are convened to the general assembly "%(title)s" of %(date)s. You can vote '
            "remotely on its resolutions, and for the cooperators who gave you their proxy, from %(opens)s to "
            "%(closes)s with this personal link:\n\n%(url)s\n\nThe link is yours alone: do not pass it on. "
            "Your vote stays secret.\n\nSMart Coop"
        ) % {
            "name": cooperator.display_name,
            "title": assembly.title,
            "date": date_format(assembly.date, "DATE_FORMAT"),
            "opens": _window_label(assembly.remote_opens_at),
            "closes": _window_label(assembly.remote_closes_at),
            "url": voting_link_url(token),
        }
    try:
        send_mail(subject, body, None, [cooperator.email])
    except (OSError, smtplib.SMTPException):
        logger.exception("voting link %s: the mail could not be sent", link.pk)
        return
    VotingLink.objects.filter(pk=link.pk, token_hash=link.token_hash).update(
        sent_at=timezone.now(), sent_to=cooperator.email
    )


def _voting_link_write(*, assembly: Assembly, cooperator: Cooperator, by: str, now: datetime.datetime) -> str:
    """Write (or replace) the voter's link and send it after commit; the token is returned, never stored."""
    token = secrets.token_urlsafe(32)
    link, _created = VotingLink.objects.update_or_create(
        assembly=assembly,
        cooperator=cooperator,
        defaults={
            "token_hash": voting_token_hash(token),
            "issued_at": now,
            "issued_by": by,
            "sent_at": None,
            "sent_to": "",
        },
    )
    transaction.on_commit(lambda: _voting_link_send(link_pk=link.pk, token=token))
    return token


@transaction.atomic
def voting_link_issue(
    *,
    assembly: Assembly,
    cooperator: Cooperator,
    by: str,
    require_email: bool = True,
    now: datetime.datetime | None = None,
) -> str:
    """(Re)issue a voter's personal link: the previous one stops working at once. Returns the token
    (the caller shows or prints it once; only its hash is kept)."""
    now = now or timezone.now()
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if assembly.status != AssemblyStatus.CONVENED:
        raise errors.catalog.error(errors.ASSEMBLY_NOT_CONVENED, status=409)
    if now >= assembly.remote_closes_at:
        raise errors.catalog.error(errors.REMOTE_OVER, status=409, closes=_window_label(assembly.remote_closes_at))
    _roll_entry(assembly, cooperator)
    if require_email and not cooperator.email:
        raise errors.catalog.error(errors.NO_EMAIL, status=409, name=cooperator.display_name)
    return _voting_link_write(assembly=assembly, cooperator=cooperator, by=by, now=now)


@transaction.atomic
def assembly_remote_open(*, assembly: Assembly, now: datetime.datetime | None = None) -> Assembly:
    """Open remote voting now rather than at the time set when the assembly was created."""
    now = now or timezone.now()
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if assembly.status != AssemblyStatus.CONVENED:
        raise errors.catalog.error(errors.ASSEMBLY_NOT_CONVENED, status=409)
    if now >= assembly.remote_closes_at:
        raise errors.catalog.error(errors.REMOTE_OVER, status=409, closes=_window_label(assembly.remote_closes_at))
    if assembly.remote_opens_at <= now:
        raise errors.catalog.error(
            errors.REMOTE_ALREADY_OPEN, status=409, opens=_window_label(assembly.remote_opens_at)
        )
    assembly.remote_opens_at = now
    assembly.save(update_fields=["remote_opens_at"])
    return assembly


def voting_link_resolve(*, token: str, now: datetime.datetime | None = None) -> VotingLink:
    """The link a token opens, valid only while its assembly's remote window is open."""
    now = now or timezone.now()
    link = (
        VotingLink.objects.select_related("assembly", "cooperator").filter(token_hash=voting_token_hash(token)).first()
    )
    if link is None:
        raise errors.catalog.error(errors.VOTING_LINK_UNKNOWN, status=404)
    assembly = link.assembly
    if assembly.status == AssemblyStatus.CLOSED or now >= assembly.remote_closes_at:
        raise errors.catalog.error(
            errors.VOTING_LINK_EXPIRED, status=410, closes=_window_label(assembly.remote_closes_at)
        )
    if assembly.status != AssemblyStatus.CONVENED:
        raise errors.catalog.error(errors.ASSEMBLY_NOT_CONVENED, status=409)
    if now < assembly.remote_opens_at:
        raise errors.catalog.error(
            errors.OUTSIDE_WINDOW,
            status=409,
            opens=_window_label(assembly.remote_opens_at),
            closes=_window_label(assembly.remote_closes_at),
        )
    return link


@dataclass(frozen=True)
class RemoteVote:
    """One vote asked for on the page: the resolution, and whose vote it is (the link's holder or a
    cooperator who gave them a proxy), by public ids."""

    item_id: UUID
    voter_id: UUID
    choice: str


@transaction.atomic
def remote_votes_cast(*, token: str, votes: list[RemoteVote], now: datetime.datetime | None = None) -> int:
    """Cast the votes of one voting sheet, all or none, through ``vote_cast`` (same rules as every
    vote). Returns how many were cast. Nothing written here refers to a ballot: the link only records
    that it was used."""
    now = now or timezone.now()
    link = voting_link_resolve(token=token, now=now)
    link = VotingLink.objects.select_for_update().select_related("assembly", "cooperator").get(pk=link.pk)
    if not votes:
        raise errors.catalog.error(errors.VOTING_NOTHING_CHOSEN)
    holder = link.cooperator
    grantors = {
        p.grantor.public_id: p.grantor
        for p in Proxy.objects.filter(assembly=link.assembly, holder=holder).select_related("grantor")
    }
    items = {
        item.public_id: item
        for item in AgendaItem.objects.filter(assembly=link.assembly, resolution_type__isnull=False)
    }
    for vote in votes:
        item = items.get(vote.item_id)
        voter = holder if vote.voter_id == holder.public_id else grantors.get(vote.voter_id)
        if item is None or voter is None:
            raise errors.catalog.error(errors.VOTING_NOT_ON_SHEET, status=403)
        vote_cast(
            item=item,
            voter=voter,
            choice=vote.choice,
            channel=Channel.REMOTE,
            by="voting-link",
            proxy_holder=None if voter.pk == holder.pk else holder,
            now=now,
        )
    if link.used_at is None:
        link.used_at = now
        link.save(update_fields=["used_at"])
    return len(votes)


# --- Board ------------------------------------------------------------------------------------------


def _rule_figures(on: datetime.date) -> tuple[Decimal, Decimal]:
    rule = selectors.board_rule(on=on)
    if rule is None:
        return Decimal(40), Decimal(50)
    return rule.min_gender_percent, rule.max_renewed_percent


def _seat(cooperator: Cooperator, term_ends: int | None) -> Seat:
    return Seat(
        name=cooperator.display_name, category=cooperator.category, gender=cooperator.gender, term_ends=term_ends
    )


def board_sitting_check(*, on: datetime.date) -> BoardCheck:
    min_gender, max_renewed = _rule_figures(on)
    seats = [_seat(s.cooperator, s.term_ends) for s in BoardSeat.objects.select_related("cooperator")]
    return board_composition_check(seats, min_gender_percent=min_gender, max_renewed_percent=max_renewed)


def candidate_list_check(*, candidate_list: CandidateList, on: datetime.date) -> BoardCheck:
    """The board as it would be after the election: the seats not up for renewal that year, plus the
    candidates of the list."""
    min_gender, _max_renewed = _rule_figures(on)
    staying = BoardSeat.objects.filter(term_ends__gt=candidate_list.election_year).select_related("cooperator")
    seats = [_seat(s.cooperator, s.term_ends) for s in staying]
    candidates = candidate_list.candidates.exclude(pk__in=[s.cooperator_id for s in staying])
    seats += [_seat(c, None) for c in candidates]
    return board_composition_check(seats, min_gender_percent=min_gender)


def candidate_list_create(*, name: str, election_year: int) -> CandidateList:
    return CandidateList.objects.create(name=name, election_year=election_year)


def candidate_list_add(*, candidate_list: CandidateList, cooperator: Cooperator) -> None:
    if CandidateList.objects.filter(pk=candidate_list.pk, status=CandidateListStatus.FINAL).exists():
        raise errors.catalog.error(errors.LIST_FINAL, status=409)
    candidate_list.candidates.add(cooperator)


@transaction.atomic
def candidate_list_finalise(*, candidate_list: CandidateList, on: datetime.date) -> CandidateList:
    """Submit the list as final: refused, with every reason, when the board it yields breaks the rules."""
    candidate_list = CandidateList.objects.select_for_update().get(pk=candidate_list.pk)
    if candidate_list.status == CandidateListStatus.FINAL:
        raise errors.catalog.error(errors.LIST_FINAL, status=409)
    check = candidate_list_check(candidate_list=candidate_list, on=on)
    if not check.ok:
        raise errors.catalog.error(errors.BOARD_RULES_FAILED, status=409, reasons=" ".join(check.reasons))
    candidate_list.status = CandidateListStatus.FINAL
    candidate_list.save(update_fields=["status"])
    return candidate_list


def candidate_list_remove(*, candidate_list: CandidateList, cooperator: Cooperator) -> None:
    if CandidateList.objects.filter(pk=candidate_list.pk, status=CandidateListStatus.FINAL).exists():
        raise errors.catalog.error(errors.LIST_FINAL, status=409)
    candidate_list.candidates.remove(cooperator)


def governance_team_member_add(*, user_id: int) -> None:
    GovernanceTeamMembership.objects.get_or_create(user_id=user_id)


# --- Ethics committees ------------------------------------------------------------------------------


def ethics_referral_create(
    *, committee: str, seized_by: str, subject: str, question: str, received_on: datetime.date, by: str
) -> EthicsReferral:
    """A question put to an ethics committee by the board, the managing director, or the committee itself."""
    if seized_by not in SeizedBy.values:
        raise errors.catalog.error(errors.BAD_CHOICE, field="seized_by")
    return EthicsReferral.objects.create(
        committee=committee,
        seized_by=seized_by,
        subject=subject,
        question=question,
        received_on=received_on,
        recorded_by=by,
    )


@transaction.atomic
def ethics_opinion_record(
    *, referral: EthicsReferral, opinion: str, recommendations: str, adopted_on: datetime.date
) -> EthicsOpinion:
    referral = EthicsReferral.objects.select_for_update().get(pk=referral.pk)
    if EthicsOpinion.objects.filter(referral=referral).exists():
        raise errors.catalog.error(errors.OPINION_EXISTS, status=409)
    return EthicsOpinion.objects.create(
        referral=referral, opinion=opinion, recommendations=recommendations, adopted_on=adopted_on
    )


@transaction.atomic
def ethics_opinion_publish(*, referral: EthicsReferral, now: datetime.datetime | None = None) -> EthicsOpinion:
    opinion = EthicsOpinion.objects.select_for_update().filter(referral=referral).first()
    if opinion is None:
        raise errors.catalog.error(errors.NO_OPINION, status=409)
    if opinion.published_at is not None:
        raise errors.catalog.error(errors.OPINION_PUBLISHED, status=409)
    opinion.published_at = now or timezone.now()
    opinion.save(update_fields=["published_at"])
    return opinion


# --- Permanent participation ------------------------------------------------------------------------


def participation_event_create(
    *, kind: str, theme: str, title: str, held_on: datetime.date, place: str = ""
) -> ParticipationEvent:
    if kind not in EventKind.values or theme not in Theme.values:
        raise errors.catalog.error(errors.BAD_CHOICE, field="kind" if kind not in EventKind.values else "theme")
    return ParticipationEvent.objects.create(kind=kind, theme=theme, title=title, held_on=held_on, place=place)


def attendance_record(*, event: ParticipationEvent, cooperator: Cooperator) -> Attendance:
    try:
        with transaction.atomic():
            return Attendance.objects.create(event=event, cooperator=cooperator)
    except IntegrityError:
        raise errors.catalog.error(
            errors.ALREADY_ATTENDED, field="person_id", status=409, name=cooperator.display_name
        ) from None


def contribution_add(
    *,
    theme: str,
    text: str,
    received_on: datetime.date,
    event: ParticipationEvent | None = None,
    author: Cooperator | None = None,
) -> Contribution:
    if theme not in Theme.values:
        raise errors.catalog.error(errors.BAD_CHOICE, field="theme")
    return Contribution.objects.create(theme=theme, text=text, received_on=received_on, event=event, author=author)


@transaction.atomic
def recommendation_add(*, theme: str, text: str, made_on: datetime.date) -> Recommendation:
    """Recommendations are numbered in order (the first round produced 37)."""
    if theme not in Theme.values:
        raise errors.catalog.error(errors.BAD_CHOICE, field="theme")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('governance:recommendation-number'))")
    last = Recommendation.objects.order_by("-number").values_list("number", flat=True).first() or 0
    return Recommendation.objects.create(number=last + 1, theme=theme, text=text, made_on=made_on)


def action_add(*, recommendation: Recommendation, action: str, owner: str, due_on: datetime.date) -> ActionItem:
    return ActionItem.objects.create(recommendation=recommendation, action=action, owner=owner, due_on=due_on)


def action_status_set(*, item: ActionItem, status: str, done_on: datetime.date | None = None) -> ActionItem:
    if status not in ActionStatus.values:
        raise errors.catalog.error(errors.BAD_CHOICE, field="status")
    if status == ActionStatus.DONE and done_on is None:
        raise errors.catalog.error(errors.ACTION_DONE_NEEDS_DATE, field="done_on")
    item.status = status
    item.done_on = done_on if status == ActionStatus.DONE else None
    item.save(update_fields=["status", "done_on"])
    return item
