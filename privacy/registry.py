"""The registry of personal data (GDPR art. 30): every model that holds data about a person, where it
lives, how one person's rows are found from their group-wide person id, and why some must be kept
(retention, set per country as data by the erasure work to come). ``tests/privacy`` fails when a
model that looks personal (names, contact data, free text, links to a member or a cooperator) is in
neither list below.

``lookup`` is an ORM lookup that reaches the person id (several, separated by ``|``, are OR-ed);
``member_id`` means "the person's members' public ids in any entity"; ``None`` means the rows are not
keyed on a person (staff accounts, access logs): they are listed in the export's ``not_included``
with the reason."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Holding:
    label: str
    where: str  # "entity" (each entity's schema) or "public"
    lookup: str | None
    retention: str = ""  # why it may have to be kept: ledger, payroll, share_register, votes, ...
    note: str = ""


PERSONAL: list[Holding] = [
    # Each entity's schema.
    Holding("members.Member", "entity", "person_id"),
    Holding("activities.ActivityMember", "entity", "member__person_id"),
    Holding("billing.Expense", "entity", "member__person_id", "accounting"),
    Holding("payroll.Contract", "entity", "member__person_id", "payroll"),
    Holding("payroll.SmoothingAgreement", "entity", "member__person_id", "payroll"),
    Holding(
        "billing.Client", "entity", None, "accounting", "a member's client, not a member: not keyed on a person id"
    ),
    Holding("billing.Supplier", "entity", None, "accounting", "a supplier, not a member: not keyed on a person id"),
    Holding("auth.User", "entity", None, "", "the entity's staff accounts: not keyed on a person id"),
    Holding("audit.AuditRecord", "entity", None, "audit", "the audit trail of the rows above (found by row id)"),
    # The public schema.
    Holding("auth.User", "public", None, "", "group users: not keyed on a person id"),
    Holding("audit.AuditRecord", "public", None, "audit", "the audit trail of the rows below (found by row id)"),
    Holding("entities.Person", "public", "person_id", "", "only a keyed hash of the identity, never a name"),
    Holding("insurance.Coverage", "public", "person_id", "insurance"),
    Holding("insurance.Claim", "public", "coverage__person_id", "insurance"),
    Holding("insurance.ClaimEvent", "public", "claim__coverage__person_id", "insurance"),
    Holding("insurance.ClaimDocument", "public", "claim__coverage__person_id", "insurance"),
    Holding("legal_aid.CaseParty", "public", "member_id", "legal_case"),
    Holding("legal_aid.LegalCase", "public", "parties__member_id", "legal_case"),
    Holding("legal_aid.CaseDeadline", "public", "case__parties__member_id", "legal_case"),
    Holding("legal_aid.CaseDocument", "public", "case__parties__member_id", "legal_case"),
    Holding("legal_aid.CaseNote", "public", "case__parties__member_id", "legal_case"),
    Holding("legal_aid.CaseAccessLog", "public", None, "legal_case", "who of the legal team read a case (staff)"),
    Holding("referrals.Referral", "public", "person_id"),
    Holding("referrals.Consent", "public", "referral__person_id", "consent"),
    Holding("referrals.WebhookDelivery", "public", "referral__person_id"),
    Holding("governance.Cooperator", "public", "person_id", "share_register"),
    Holding("governance.ServiceUse", "public", "person_id", "share_register"),
    Holding(
        "governance.ShareTransaction", "public", "to_cooperator__person_id|from_cooperator__person_id", "share_register"
    ),
    Holding("governance.RollEntry", "public", "cooperator__person_id", "votes"),
    Holding("governance.Proxy", "public", "grantor__person_id|holder__person_id", "votes"),
    Holding("governance.VotingLink", "public", "cooperator__person_id", "votes"),
    Holding("governance.Participation", "public", "cooperator__person_id", "votes"),
    Holding("governance.BoardSeat", "public", "cooperator__person_id", "share_register"),
    Holding("governance.CandidateList", "public", "candidates__person_id"),
    Holding("governance.Attendance", "public", "cooperator__person_id"),
    Holding("governance.Contribution", "public", "author__person_id"),
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
