"""Cooperative governance of SMart Coop (public schema): the share register, the rule that service
use requires being an up-to-date cooperator, general assemblies with secret ballots, and the board.

The register is append-only: a cooperator's holding is never stored, it is the sum of the share
transactions (purchases, transfers, redemptions), all at the nominal value of the share class, which
never changes once the class exists. There is no dividend and no revaluation (C10): no model, no
transaction kind, no service writes one. PostgreSQL refuses UPDATE, DELETE and TRUNCATE on the
transactions, a holding going below zero, and any change to a closed vote (migration 0002).

Shares are paid by the person to SMart Coop, never from an activity's budget: nothing here posts to
an entity's ledger, and the entities' entry kinds have no share movement (tested).

Nothing here imports an entity's models: a cooperator is keyed on the group-wide person id
(``registry.Person.person_id``) with a snapshot of the name, language and gender it needs.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tenants.registry.models import Entity


class StakeholderCategory(models.TextChoices):
    """The six categories of C11; the same values as ``members.StakeholderCategory`` (tested), kept
    here because the public schema does not import an entity's models."""

    NATURAL_USER = "natural_user", _("User, natural person")
    LEGAL_USER = "legal_user", _("User, legal person")
    CLIENT = "client", _("Client of members")
    SUPPLIER = "supplier", _("Supplier")
    PERMANENT_WORKER = "permanent_worker", _("Permanent worker of SMart")
    PARTNER = "partner", _("Partner")


class CooperatorKind(models.TextChoices):
    NATURAL = "natural", _("Natural person")
    LEGAL = "legal", _("Legal person")


class Gender(models.TextChoices):
    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    OTHER = "other", _("Another gender")


class Language(models.TextChoices):
    FR = "fr", "Français"
    NL = "nl", "Nederlands"
    DE = "de", "Deutsch"
    EN = "en", "English"


class GovernanceTeamMembership(models.Model):
    """A group user who runs the register and the assemblies. Being a superuser is not enough."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="governance_team")
    since = models.DateField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("governance team member")
        verbose_name_plural = _("governance team members")

    def __str__(self) -> str:
        return str(self.user)


class Cooperator(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person_id = models.UUIDField(_("group person id"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CooperatorKind.choices)
    display_name = models.CharField(_("name"), max_length=200)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.FR)
    # Optional: only for the board's parity and the social report's figures.
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    category = models.CharField(_("stakeholder category"), max_length=20, choices=StakeholderCategory.choices)
    # Optional: where the personal voting link of each assembly is sent.
    email = models.EmailField(_("e-mail address"), blank=True)
    entity_of_origin = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="+", verbose_name=_("entity of origin")
    )
    admitted_on = models.DateField(_("admitted on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["display_name", "id"]
        verbose_name = _("cooperator")
        verbose_name_plural = _("cooperators")

    def __str__(self) -> str:
        return self.display_name


class NominalValue(models.Model):
    """The nominal value of one share, as data: new share classes take the value in force; a class,
    once created, keeps its value for ever (issued shares never change value)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    amount = models.DecimalField(_("nominal value"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("nominal value")
        verbose_name_plural = _("nominal values")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="gov_nominal_positive")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} from {self.effective_from}"


class ShareClass(models.Model):
    """Shares of one stakeholder category at one nominal value (immutable once created)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    category = models.CharField(_("stakeholder category"), max_length=20, choices=StakeholderCategory.choices)
    code = models.CharField(_("code"), max_length=60, unique=True)
    nominal = models.DecimalField(_("nominal value"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        ordering = ["category", "code"]
        verbose_name = _("share class")
        verbose_name_plural = _("share classes")
        constraints = [
            models.UniqueConstraint(fields=["category", "nominal", "currency"], name="gov_share_class_once"),
            models.CheckConstraint(condition=Q(nominal__gt=0), name="gov_share_class_nominal_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class TransactionKind(models.TextChoices):
    # The only three movements of a share. No dividend, no revaluation: they do not exist.
    PURCHASE = "purchase", _("Purchase")
    TRANSFER = "transfer", _("Transfer")
    REDEMPTION = "redemption", _("Redemption")


class ShareTransaction(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=TransactionKind.choices)
    share_class = models.ForeignKey(ShareClass, on_delete=models.PROTECT, related_name="transactions")
    count = models.PositiveIntegerField(_("number of shares"))
    # The class's nominal value, repeated so that every row shows the price it was made at.
    price_per_share = models.DecimalField(_("price per share"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    from_cooperator = models.ForeignKey(
        Cooperator, null=True, blank=True, on_delete=models.PROTECT, related_name="shares_out"
    )
    to_cooperator = models.ForeignKey(
        Cooperator, null=True, blank=True, on_delete=models.PROTECT, related_name="shares_in"
    )
    on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    # The form's one-time key: a double submission records the movement once.
    request_key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("share transaction")
        verbose_name_plural = _("share transactions")
        constraints = [
            models.CheckConstraint(condition=Q(count__gt=0), name="gov_tx_count_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=["purchase", "transfer", "redemption"]), name="gov_tx_kind_known"
            ),
            models.CheckConstraint(
                condition=(Q(kind="purchase") & Q(from_cooperator__isnull=True) & Q(to_cooperator__isnull=False))
                | (
                    Q(kind="transfer")
                    & Q(from_cooperator__isnull=False)
                    & Q(to_cooperator__isnull=False)
                    & ~Q(from_cooperator=F("to_cooperator"))
                )
                | (Q(kind="redemption") & Q(from_cooperator__isnull=False) & Q(to_cooperator__isnull=True)),
                name="gov_tx_parties_match_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.count} {self.share_class_id}"

    @property
    def amount(self):  # type: ignore[no-untyped-def]
        return self.count * self.price_per_share


class RuleKind(models.TextChoices):
    SHARES_PER_YEAR_OF_USE = "shares_per_year_of_use", _("Shares required per year of service use")


class GovernanceRule(models.Model):
    """A rule in force from a date (the latest row not after the day applies). With no row, the rule is
    not active: service use is then not gated on cooperator status."""

    kind = models.CharField(_("rule"), max_length=40, choices=RuleKind.choices)
    effective_from = models.DateField(_("effective from"))
    value = models.PositiveIntegerField(_("value"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "-effective_from"]
        verbose_name = _("governance rule")
        verbose_name_plural = _("governance rules")
        constraints = [models.UniqueConstraint(fields=["kind", "effective_from"], name="gov_rule_once_per_date")]

    def __str__(self) -> str:
        return f"{self.kind}={self.value} from {self.effective_from}"


class ServiceUse(models.Model):
    """The register's own record of service use: one row per person and calendar year in which they
    declared a performance (written by the declaration check when it lets a declaration through)."""

    person_id = models.UUIDField()
    year = models.PositiveSmallIntegerField()
    first_entity = models.ForeignKey(Entity, null=True, on_delete=models.PROTECT, related_name="+")
    first_on = models.DateField()

    class Meta:
        ordering = ["person_id", "year"]
        constraints = [models.UniqueConstraint(fields=["person_id", "year"], name="gov_service_use_once_per_year")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.year}"


# --- General assemblies ---------------------------------------------------------------------------


class AssemblyKind(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    EXTRAORDINARY = "extraordinary", _("Extraordinary")


class AssemblyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONVENED = "convened", _("Convened")
    CLOSED = "closed", _("Closed")


class Assembly(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=14, choices=AssemblyKind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    record_date = models.DateField(_("record date"), help_text=_("Cooperators holding shares on this day vote."))
    remote_opens_at = models.DateTimeField(_("remote voting opens"))
    remote_closes_at = models.DateTimeField(_("remote voting closes"))
    proxy_limit = models.PositiveSmallIntegerField(_("proxies per person"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=AssemblyStatus.choices, default=AssemblyStatus.DRAFT)
    convened_at = models.DateTimeField(_("convened at"), null=True, blank=True)
    convened_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("general assembly")
        verbose_name_plural = _("general assemblies")
        constraints = [
            models.CheckConstraint(condition=Q(record_date__lte=F("date")), name="gov_assembly_record_before"),
            models.CheckConstraint(
                condition=Q(remote_opens_at__lt=F("remote_closes_at")), name="gov_assembly_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class AssemblySession(models.Model):
    """A decentralised session of the assembly (one place among several, same agenda)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="sessions")
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("assembly session")
        verbose_name_plural = _("assembly sessions")

    def __str__(self) -> str:
        return self.place


class CollegeWeight(models.Model):
    """Optional weighting of the vote by stakeholder college (where statutes require it): the share,
    in percent, that each college's decisive votes count for. No rows: one person one vote, flat."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="college_weights")
    category = models.CharField(_("college"), max_length=20, choices=StakeholderCategory.choices)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["category"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "category"], name="gov_college_once"),
            models.CheckConstraint(condition=Q(weight__gt=0) & Q(weight__lte=100), name="gov_college_weight_range"),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.weight}%"


class ResolutionType(models.Model):
    """Quorum and majority of a kind of resolution, as data (statutes change them, code does not).

    Quorum: the share of the voter roll that must take part (abstentions count as taking part).
    Majority: votes for / (for + against) must reach ``majority_numerator / majority_denominator``
    (strictly more than it when ``majority_strict``); abstentions are not decisive votes."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    quorum_percent = models.DecimalField(
        _("quorum (percentage of the roll)"), max_digits=5, decimal_places=2, default=0
    )
    majority_numerator = models.PositiveSmallIntegerField(_("majority numerator"))
    majority_denominator = models.PositiveSmallIntegerField(_("majority denominator"))
    majority_strict = models.BooleanField(_("strictly more than"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("resolution type")
        verbose_name_plural = _("resolution types")
        constraints = [
            models.CheckConstraint(
                condition=Q(majority_denominator__gt=0) & Q(majority_numerator__lte=F("majority_denominator")),
                name="gov_majority_is_a_fraction",
            ),
            models.CheckConstraint(
                condition=Q(quorum_percent__gte=0) & Q(quorum_percent__lte=100), name="gov_quorum_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        """The name in the reader's language for the types seeded with the statutes, else as entered."""
        return str(RESOLUTION_TYPE_NAMES.get(self.code, self.name))


RESOLUTION_TYPE_NAMES = {
    "ordinary": _("Ordinary resolution"),
    "board_election": _("Election of directors"),
    "statutes_amendment": _("Amendment of the statutes"),
    "purpose_change": _("Change of the cooperative purpose"),
}


class AgendaItem(models.Model):
    """One point of the agenda; with a resolution type it is a resolution put to the vote."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    document_url = models.URLField(_("document"), blank=True)
    resolution_type = models.ForeignKey(
        ResolutionType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("resolution type")
    )

    class Meta:
        ordering = ["assembly", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [models.UniqueConstraint(fields=["assembly", "position"], name="gov_item_position_once")]

    def __str__(self) -> str:
        return self.title


class RollEntry(models.Model):
    """The voter roll, taken from the register at the record date when the assembly is convened."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="roll")
    cooperator = models.ForeignKey(Cooperator, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=20, choices=StakeholderCategory.choices)
    shares = models.PositiveIntegerField()  # for information: the vote is one person one vote

    class Meta:
        ordering = ["assembly", "cooperator__display_name"]
        constraints = [models.UniqueConstraint(fields=["assembly", "cooperator"], name="gov_roll_once")]

    def __str__(self) -> str:
        return f"{self.assembly_id} {self.cooperator_id}"


class Proxy(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="proxies")
    grantor = models.ForeignKey(Cooperator, on_delete=models.PROTECT, related_name="+", verbose_name=_("grantor"))
    holder = models.ForeignKey(Cooperator, on_delete=models.PROTECT, related_name="+", verbose_name=_("holder"))
    recorded_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "grantor"], name="gov_proxy_once_per_grantor"),
            models.CheckConstraint(condition=~Q(grantor=F("holder")), name="gov_proxy_not_to_self"),
        ]

    def __str__(self) -> str:
        return f"{self.grantor_id}->{self.holder_id}"


class VotingLink(models.Model):
    """A voter's personal link to vote remotely in one assembly (one per voter and assembly).

    Only the SHA-256 of the random token is kept: the token itself exists in the message sent to the
    cooperator and nowhere else. The link names the voter, like a participation row, and holds nothing
    of any choice; no ballot refers to it (a ballot refers to nothing but its item)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="voting_links")
    cooperator = models.ForeignKey(Cooperator, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.CharField(max_length=150)
    sent_to = models.EmailField(_("sent to"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    used_at = models.DateTimeField(_("first used at"), null=True, blank=True)

    class Meta:
        ordering = ["assembly", "cooperator__display_name", "id"]
        verbose_name = _("voting link")
        verbose_name_plural = _("voting links")
        constraints = [models.UniqueConstraint(fields=["assembly", "cooperator"], name="gov_voting_link_once")]

    def __str__(self) -> str:
        return f"{self.assembly_id} {self.cooperator_id}"


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class Channel(models.TextChoices):
    REMOTE = "remote", _("Remote vote")
    SESSION = "session", _("In session")


class Ballot(models.Model):
    """A secret ballot: what was chosen, never who chose it. Random key, no timestamp, no reference to
    the voter or to the participation row; the college only when the assembly weights by college."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    college = models.CharField(max_length=20, choices=StakeholderCategory.choices, blank=True)

    class Meta:
        ordering = ["id"]  # random: listing ballots reveals nothing of the order they were cast in
        constraints = [
            models.CheckConstraint(condition=Q(choice__in=["for", "against", "abstain"]), name="gov_ballot_choice")
        ]

    def __str__(self) -> str:
        return str(self.id)


class Participation(models.Model):
    """Who took part in a vote (written in the same transaction as the ballot), so that nobody votes
    twice: unique per item and voter. Holds nothing of the choice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="participations")
    cooperator = models.ForeignKey(Cooperator, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    by_proxy = models.BooleanField(default=False)

    class Meta:
        ordering = ["cooperator__display_name", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "cooperator"], name="gov_vote_once")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.cooperator_id}"


class ResolutionResult(models.Model):
    """The result of a resolution, computed exactly when the vote closes; never changed afterwards
    (trigger), and no ballot or participation can be added once it exists (trigger)."""

    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="result")
    eligible = models.PositiveIntegerField()
    participants = models.PositiveIntegerField()
    votes_for = models.PositiveIntegerField()
    votes_against = models.PositiveIntegerField()
    abstentions = models.PositiveIntegerField()
    # Share of decisive votes for, as an exact fraction (weighted by college when the assembly is).
    for_numerator = models.CharField(max_length=80)
    for_denominator = models.CharField(max_length=80)
    quorum_met = models.BooleanField()
    majority_met = models.BooleanField()
    adopted = models.BooleanField()
    closed_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.CharField(max_length=150)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"{self.item_id} adopted={self.adopted}"


# --- Board -----------------------------------------------------------------------------------------


class BoardRule(models.Model):
    """The board's composition rules as data (the latest row applies)."""

    effective_from = models.DateField(_("effective from"), unique=True)
    min_gender_percent = models.DecimalField(_("minimum of each gender (%)"), max_digits=5, decimal_places=2)
    max_renewed_percent = models.DecimalField(
        _("maximum renewed in one year (%)"), max_digits=5, decimal_places=2, default=50
    )

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"board rule from {self.effective_from}"


class BoardSeat(models.Model):
    """A sitting director: a cooperator, with the year their term ends (staggered renewal)."""

    cooperator = models.OneToOneField(Cooperator, on_delete=models.PROTECT, related_name="board_seat")
    since = models.DateField(_("since"))
    term_ends = models.PositiveSmallIntegerField(_("term ends (year)"))

    class Meta:
        ordering = ["term_ends", "cooperator__display_name"]

    def __str__(self) -> str:
        return f"{self.cooperator_id} until {self.term_ends}"


class CandidateListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class CandidateList(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    election_year = models.PositiveSmallIntegerField(_("election year"))
    status = models.CharField(max_length=8, choices=CandidateListStatus.choices, default=CandidateListStatus.DRAFT)
    candidates = models.ManyToManyField(Cooperator, related_name="+", blank=True)

    class Meta:
        ordering = ["-election_year", "name"]

    def __str__(self) -> str:
        return self.name


# --- Ethics committees (C13) ------------------------------------------------------------------------


class SeizedBy(models.TextChoices):
    BOARD = "board", _("The board")
    MANAGING_DIRECTOR = "managing_director", _("The managing director")
    SELF = "self", _("The committee itself")


class EthicsReferral(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    committee = models.CharField(_("committee"), max_length=120)
    seized_by = models.CharField(_("seized by"), max_length=20, choices=SeizedBy.choices)
    subject = models.CharField(_("subject"), max_length=200)
    question = models.TextField(_("question"))
    received_on = models.DateField(_("received on"))
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("ethics referral")
        verbose_name_plural = _("ethics referrals")

    def __str__(self) -> str:
        return self.subject


class EthicsOpinion(models.Model):
    """The committee's opinion and recommendations on a referral; published to cooperators once,
    and never changed after publication."""

    referral = models.OneToOneField(EthicsReferral, on_delete=models.PROTECT, related_name="opinion")
    opinion = models.TextField(_("opinion"))
    recommendations = models.TextField(_("recommendations"), blank=True)
    adopted_on = models.DateField(_("adopted on"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ethics opinion")
        verbose_name_plural = _("ethics opinions")

    def __str__(self) -> str:
        return str(self.referral)


# --- Permanent participation (C13) ------------------------------------------------------------------


class Theme(models.TextChoices):
    WITH_WHOM = "with_whom", _("With and for whom?")
    HOW = "how", _("How and with which tools?")
    ECONOMIC_MODEL = "economic_model", _("Which economic model?")
    GOVERNANCE = "governance", _("Which governance?")


class EventKind(models.TextChoices):
    SURVEY = "survey", _("Survey")
    WORKSHOP = "workshop", _("Workshop")
    INFORMAL = "informal", _("Informal meeting")
    CONSULTATION = "consultation", _("Remote consultation")


class ParticipationEvent(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=14, choices=EventKind.choices)
    theme = models.CharField(_("theme"), max_length=16, choices=Theme.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("participation event")
        verbose_name_plural = _("participation events")

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    event = models.ForeignKey(ParticipationEvent, on_delete=models.CASCADE, related_name="attendance")
    cooperator = models.ForeignKey(Cooperator, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "cooperator"], name="gov_attendance_once")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.cooperator_id}"


class Contribution(models.Model):
    """A written contribution, to an event or on a theme (the author is optional: some are anonymous)."""

    theme = models.CharField(_("theme"), max_length=16, choices=Theme.choices)
    event = models.ForeignKey(ParticipationEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(Cooperator, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"))
    received_on = models.DateField(_("received on"))

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.text[:40]


class Recommendation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField(_("number"), unique=True)
    theme = models.CharField(_("theme"), max_length=16, choices=Theme.choices)
    text = models.TextField(_("recommendation"))
    made_on = models.DateField(_("made on"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return f"#{self.number}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ActionItem(models.Model):
    """One line of the operational action plan that answers a recommendation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="actions")
    action = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("owner"), max_length=150)
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(done_on__isnull=False), name="gov_action_done_has_date"
            )
        ]

    def __str__(self) -> str:
        return self.action
