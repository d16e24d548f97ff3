"""The registry of personal data (GDPR art. 30): every model that holds data about a person, where it
lives, how one person's rows are found from their group-wide person id, and why some must be kept
(retention: a category whose period per country is data, ``privacy.models.RetentionRule``), and
what an erasure does to its rows. ``tests/privacy`` fails when a model that looks personal (names,
contact data, free text, links to a member or a cooperator) is in neither list below.

``lookup`` is an ORM lookup that reaches the person id (several, separated by ``|``, are OR-ed);
``member_id`` means "the person's members' public ids in any entity"; ``None`` means the rows are not
keyed on a person (staff accounts, access logs): they are listed in the export's ``not_included``
with the reason.

Erasure (``privacy.erasure``): ``contact`` fields are always erased (no law needs them once the
person asked); ``identity`` fields are kept while the row's retention runs (from the date reached by
``since``, in the country reached by ``country``, the group's own country when ``None``) and
pseudonymised after. Names take the erasure's pseudonym, other fields their empty value, files are
deleted. A member's own identity is kept while any retained record of that member in the entity (a
contract, an expense, a ledger entry naming them) is."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Holding:
    label: str
    where: str  # "entity" (each entity's schema) or "public"
    lookup: str | None
    retention: str = ""  # why it may have to be kept: a privacy.models.RetentionCategory, or ""
    note: str = ""
    contact: tuple[str, ...] = ()  # erased by every erasure
    identity: tuple[str, ...] = ()  # kept while retention runs, then erased
    since: str | None = None  # lookup of the date the retention counts from (None: no end while the row lives)
    country: str | None = None  # lookup of the country whose rules apply (entity rows: the entity's)


MEMBER_CONTACT = ("email", "phone", "address", "iban", "languages", "consent_partner_referrals", "consent_newsletter")


def _case_part(label: str, lookup: str, identity: tuple[str, ...]) -> Holding:
    """A part of a legal case: kept as long as its case."""
    return Holding(
        label,
        "public",
        lookup,
        "legal_case",
        identity=identity,
        since="case__closed_on",
        country="case__entity__country",
    )


def _claim_part(label: str, identity: tuple[str, ...], since: str) -> Holding:
    return Holding(
        label, "public", "claim__coverage__person_id", "insurance", identity=identity, since=since,
        country="claim__entity__country",
    )  # fmt: skip


PERSONAL: list[Holding] = [
    # Each entity's schema.
    Holding(
        "members.Member",
        "entity",
        "person_id",
        contact=MEMBER_CONTACT,
        identity=("first_name", "last_name", "birth_date", "company_number"),
        note="identity kept while a retained record of the member in the entity is",
    ),
    Holding("activities.ActivityMember", "entity", "member__person_id"),
    Holding(
        "billing.Expense",
        "entity",
        "member__person_id",
        "accounting",
        identity=("description", "receipt"),
        since="spent_on",
    ),
    Holding("payroll.Contract", "entity", "member__person_id", "payroll", since="ends_on"),
    Holding("payroll.SmoothingAgreement", "entity", "member__person_id", "payroll", since="ends_on"),
    Holding(
        "billing.Client", "entity", None, "accounting", "a member's client, not a member: not keyed on a person id"
    ),
    Holding("billing.Supplier", "entity", None, "accounting", "a supplier, not a member: not keyed on a person id"),
    Holding("auth.User", "entity", None, "", "the entity's staff accounts: not keyed on a person id"),
    Holding(
        "ledger.JournalEntry",
        "entity",
        None,
        "accounting",
        "entries naming a member (wages): found by the member's name, pseudonymised after the period",
    ),
    Holding("audit.AuditRecord", "entity", None, "audit", "the audit trail of the rows above (found by row id)"),
    # The public schema.
    Holding("auth.User", "public", None, "", "group users: not keyed on a person id"),
    Holding("audit.AuditRecord", "public", None, "audit", "the audit trail of the rows below (found by row id)"),
    Holding("entities.Person", "public", "person_id", "", "only a keyed hash of the identity, never a name"),
    Holding(
        "insurance.Coverage",
        "public",
        "person_id",
        "insurance",
        identity=("member_name",),
        since="ends_on",
        country="entity__country",
    ),
    Holding(
        "insurance.Claim",
        "public",
        "coverage__person_id",
        "insurance",
        identity=("description",),
        since="occurred_on",
        country="entity__country",
    ),
    _claim_part("insurance.ClaimEvent", ("note",), "at"),
    _claim_part("insurance.ClaimDocument", ("name", "file"), "uploaded_at"),
    _case_part("legal_aid.CaseParty", "member_id", ("name",)),
    Holding(
        "legal_aid.LegalCase",
        "public",
        "parties__member_id",
        "legal_case",
        identity=("request", "summary", "outcome_note"),
        since="closed_on",
        country="entity__country",
    ),
    _case_part("legal_aid.CaseDeadline", "case__parties__member_id", ("description",)),
    _case_part("legal_aid.CaseDocument", "case__parties__member_id", ("name", "file")),
    _case_part("legal_aid.CaseNote", "case__parties__member_id", ("text",)),
    Holding("legal_aid.CaseAccessLog", "public", None, "legal_case", "who of the legal team read a case (staff)"),
    Holding("referrals.Referral", "public", "person_id", contact=("member_name", "project", "outcome_note")),
    Holding(
        "referrals.Consent",
        "public",
        "referral__person_id",
        "consent",
        contact=("shared",),
        note="the proof (which fields, when, recorded by whom) is kept; the shared values are erased",
    ),
    Holding("referrals.WebhookDelivery", "public", "referral__person_id"),
    Holding(
        "governance.Cooperator",
        "public",
        "person_id",
        "share_register",
        contact=("email", "gender"),
        identity=("display_name",),
    ),
    Holding("governance.ServiceUse", "public", "person_id", "share_register"),
    Holding(
        "governance.ShareTransaction", "public", "to_cooperator__person_id|from_cooperator__person_id", "share_register"
    ),
    Holding("governance.RollEntry", "public", "cooperator__person_id", "votes"),
    Holding("governance.Proxy", "public", "grantor__person_id|holder__person_id", "votes"),
    Holding("governance.VotingLink", "public", "cooperator__person_id", "votes", contact=("sent_to",)),
    Holding("governance.Participation", "public", "cooperator__person_id", "votes"),
    Holding("governance.BoardSeat", "public", "cooperator__person_id", "share_register"),
    Holding("governance.CandidateList", "public", "candidates__person_id"),
    Holding("governance.Attendance", "public", "cooperator__person_id", "votes"),
    Holding("governance.Contribution", "public", "author__person_id", contact=("text", "author")),
    Holding("privacy.Erasure", "public", "person_id", "", "the record of the person's erasures: no name, no contact"),
    Holding("shared_services.TeamMembership", "public", None, "", "group staff in a service team"),
    Holding("governance.GovernanceTeamMembership", "public", None, "", "group staff in the governance team"),
]

# Models that look personal to the test's rule but are not about a person, and why.
NOT_PERSONAL: dict[str, str] = {
    "entities.Entity": "a legal entity's names and company number, as in the public company registers",
    "auth.Permission": "names of permissions",
    "auth.Group": "names of staff groups",
    "shared_services.PublicHoliday": "names of public holidays",
    "insurance.InsurancePolicy": "the group's insurance policies",
    "referrals.Partner": "partner organisations",
    "federation_api.PartnerApiKey": "a partner organisation's key (its name is the key's label)",
    "governance.ResolutionType": "kinds of resolutions",
    "governance.AgendaItem": "resolutions put to an assembly",
    "governance.EthicsReferral": "questions put to the ethics committee (anonymised by the committee)",
    "governance.EthicsOpinion": "opinions published to all cooperators",
    "governance.Recommendation": "recommendations of the participation rounds",
    "activities.Activity": "an activity's name and description (its people are in ActivityMember)",
    "activities.StageChange": "why an activity changed stage",
    "ledger.Account": "names of accounts",
}


def holdings(where: str) -> list[Holding]:
    return [h for h in PERSONAL if h.where == where]


def person_query(holding: Holding, person_id: uuid.UUID, member_ids: list[str]) -> Q:
    """The filter that finds one person's rows of ``holding`` (``member_ids``: their members' public
    ids in every entity, for the public rows keyed on a member)."""
    assert holding.lookup is not None
    query = Q()
    for lookup in holding.lookup.split("|"):
        if lookup.endswith("member_id"):
            query |= Q(**{f"{lookup}__in": member_ids})
        else:
            query |= Q(**{lookup: person_id})
    return query
