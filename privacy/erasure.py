"""Erasure by pseudonymisation (GDPR art. 17), across every entity and the group's shared services.

``erase_person`` runs in ONE transaction on the database (every entity schema and ``public``):

1. In each entity where the person is a member, every registered row of theirs (``registry.py``) loses
   its ``contact`` fields, and its ``identity`` fields unless the row must be kept: a retention rule
   (``RetentionRule``: per country of the entity and kind of record, as data) whose period has not
   ended. Ledger entries naming the member (wages) are pseudonymised once their accounting period is
   over, through the ledger's one controlled exception (the description only: amounts never change,
   every ledger stays balanced). The member's own name and birth date are kept while any of their
   records in that entity is.
2. The same in the public schema (insurance, legal aid, referrals and consents, the register of
   cooperators, votes, participation), the countries being those of the rows' entities, the group's
   own (``PRIVACY_GROUP_COUNTRY``) for its governance.
3. Every audit record and admin log line about a changed row gets the same values (the audit trail's
   controlled path); the erasure's own changes are audited without the old values.
4. The person's values (read before step 1) are searched in every column of every schema and in the
   stored files; found anywhere but in a retained row (or that row's audit records), the whole erasure
   is rolled back with the places named (``erasure_incomplete``): the registry misses a table.

The ``Erasure`` row records what changed and what is kept until when; ``privacy.retention_sweep``
runs the erasure again when the first retained record's period ends. Files are deleted after commit.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import Storage
from django.db import models, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from audit.context import bind, unbind
from config.db import connection
from tenants.registry.models import Entity, Person

from .errors import ERRORS
from .models import ANY_COUNTRY, Erasure, ErasureStatus, RetentionRule
from .registry import Holding, holdings, person_query
from .scan import Coverage, Finding, needles_of, scan_database, scan_files

# Name fields take the pseudonym (lists and documents still read "a person"); every other erased field
# takes its empty value.
PSEUDONYM_FIELDS = {
    "members.Member.last_name",
    "insurance.Coverage.member_name",
    "legal_aid.CaseParty.name",
    "referrals.Referral.member_name",
    "governance.Cooperator.display_name",
}
# A first name or a family name alone is shared with other people: the scan looks for the full name.
NOT_SEARCHED_ALONE = {"members.Member.first_name", "members.Member.last_name"}
ERASURE_LOCK = 0x50524956  # "PRIV": one erasure of a given person at a time


def pseudonym_for(person_id: uuid.UUID) -> str:
    return "ERASED-" + hashlib.sha256(f"erasure:{person_id}".encode()).hexdigest()[:10].upper()


@dataclass
class Kept:
    schema: str
    table: str
    pk: str
    category: str
    until: datetime.date | None  # None: no end yet (an open case, a running contract) or for good

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "table": self.table,
            "pk": self.pk,
            "category": self.category,
            "until": self.until.isoformat() if self.until else None,
        }


@dataclass
class _Run:
    person_id: uuid.UUID
    pseudonym: str
    today: datetime.date
    rules: dict[tuple[str, str], RetentionRule]
    group_country: str
    values: list[object] = field(default_factory=list)  # the person's values, before erasure
    changed: Counter[str] = field(default_factory=Counter)
    kept: list[Kept] = field(default_factory=list)
    files: list[tuple[Storage, str]] = field(default_factory=list)  # deleted after commit
    kept_files: set[str] = field(default_factory=set)
    member_ids: list[str] = field(default_factory=list)

    # -- retention ---------------------------------------------------------------------------------
    def retention(self, category: str, country: str | None, since: object) -> tuple[bool, datetime.date | None]:
        """(must be kept, until when)."""
        if not category:
            return False, None
        rule = self.rules.get((country or self.group_country, category)) or self.rules.get((ANY_COUNTRY, category))
        if rule is None:
            return False, None
        if isinstance(since, datetime.datetime):
            since = since.date()
        until = rule.until(since if isinstance(since, datetime.date) else None)
        return until is None or until >= self.today, until

    # -- one row -----------------------------------------------------------------------------------
    def blank(self, label: str, model_field: models.Field[Any, Any]) -> Any:
        if f"{label}.{model_field.name}" in PSEUDONYM_FIELDS:
            return self.pseudonym
        if isinstance(model_field, models.FileField):
            return ""
        if isinstance(model_field, models.JSONField):
            return {}
        if isinstance(model_field, ArrayField):
            return []
        if isinstance(model_field, models.BooleanField):
            return False
        if model_field.null:
            return None
        return ""

    def erase_row(self, model: type[models.Model], pk: Any, names: list[str], current: dict[str, Any]) -> None:
        label = model._meta.label
        patch: dict[str, Any] = {}
        columns: dict[str, Any] = {}
        for name in names:
            model_field = model._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            new = self.blank(label, model_field)
            if current[name] == new:
                continue
            if isinstance(model_field, models.FileField) and current[name]:
                self.files.append((model_field.storage, str(current[name])))
            patch[model_field.attname] = new
            columns[str(model_field.column)] = new
        if not patch:
            return
        model._default_manager.filter(pk=pk).update(**patch)
        self.changed[label] += 1
        self.scrub_history(model, str(pk), columns)

    def scrub_history(self, model: type[models.Model], pk: str, columns: dict[str, Any]) -> None:
        """The same values in the audit trail and the admin log of the row's schema."""
        import json

        patch = json.dumps(columns, default=str)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditrecord SET "
                "before = CASE WHEN before IS NULL THEN NULL ELSE before || %s::jsonb END, "
                "after = CASE WHEN after IS NULL THEN NULL ELSE after || %s::jsonb END "
                "WHERE table_name = %s AND row_pk = %s",
                [patch, patch, model._meta.db_table, pk],
            )
            cursor.execute("SELECT to_regclass('django_admin_log') IS NOT NULL")
            if cursor.fetchone()[0]:
                cursor.execute(
                    "UPDATE django_admin_log SET object_repr = %s WHERE object_id = %s AND content_type_id = "
                    "(SELECT id FROM django_content_type WHERE app_label = %s AND model = %s)",
                    [self.pseudonym, pk, model._meta.app_label, model._meta.model_name],
                )

    def holding_rows(
        self, holding: Holding, *, country: str | None
    ) -> Iterator[tuple[type[models.Model], Any, dict[str, Any], bool, datetime.date | None]]:
        """Each of the person's rows of ``holding``, with its values and its retention."""
        model = apps.get_model(holding.label)
        names = [*holding.contact, *holding.identity]
        lookups = [name for name in (holding.since, holding.country) if name]
        rows = model._default_manager.filter(person_query(holding, self.person_id, self.member_ids))
        seen: set[Any] = set()
        for row in rows.values("pk", *names, *lookups).order_by("pk"):
            if row["pk"] in seen:  # a join (several parties of one case) repeats a row
                continue
            seen.add(row["pk"])
            self.values += [row[name] for name in names if f"{holding.label}.{name}" not in NOT_SEARCHED_ALONE]
            where = row[holding.country] if holding.country else country
            keep, until = self.retention(holding.retention, where, row[holding.since] if holding.since else None)
            yield model, row["pk"], row, keep, until

    def erase_holding(self, holding: Holding, schema: str, *, country: str | None) -> list[Kept]:
        """Erase the person's rows of ``holding``; the rows kept (retention running) are returned."""
        kept: list[Kept] = []
        for model, pk, row, keep, until in self.holding_rows(holding, country=country):
            self.erase_row(model, pk, [*holding.contact, *([] if keep else holding.identity)], row)
            if keep and holding.retention:
                kept.append(Kept(schema, model._meta.db_table, str(pk), holding.retention, until))
                self.kept_files |= {str(row[name]) for name in holding.identity if isinstance(row[name], str)}
        self.kept += kept
        return kept

    # -- one entity --------------------------------------------------------------------------------
    def entity(self, entity: Entity) -> None:
        from tenants.ledger.models import JournalEntry
        from tenants.members.models import Member

        member = Member.objects.filter(person_id=self.person_id).first()
        if member is None:
            return
        self.member_ids.append(str(member.public_id))
        schema, country = entity.schema_name, entity.country
        kept: list[Kept] = []
        for holding in holdings("entity"):
            if holding.lookup is not None and holding.label != "members.Member":
                kept += self.erase_holding(holding, schema, country=country)
        # Ledger entries naming the member (wages): kept for the accounting period, then pseudonymised.
        name = member.display_name
        if len(name) >= 5 and self.pseudonym not in name:  # (not when an earlier erasure replaced it)
            for entry in JournalEntry.objects.filter(description__contains=name).order_by("pk"):
                keep, until = self.retention("accounting", country, entry.date)
                if keep:
                    kept.append(Kept(schema, JournalEntry._meta.db_table, str(entry.pk), "accounting", until))
                    self.kept.append(kept[-1])
                    continue
                described = entry.description.replace(name, self.pseudonym)
                JournalEntry.objects.filter(pk=entry.pk).update(description=described)
                self.changed["ledger.JournalEntry"] += 1
                self.scrub_history(JournalEntry, str(entry.pk), {"description": described})
        # The member: contact data always; the identity while any of their records here is kept.
        (holding,) = [h for h in holdings("entity") if h.label == "members.Member"]
        keep = bool(kept)
        until = None if any(k.until is None for k in kept) else max((k.until for k in kept if k.until), default=None)
        values = Member.objects.filter(pk=member.pk).values("pk", *holding.contact, *holding.identity).get()
        searched = [
            n for n in (*holding.contact, *holding.identity) if f"{holding.label}.{n}" not in NOT_SEARCHED_ALONE
        ]
        self.values += [values[n] for n in searched] + [name]
        self.erase_row(Member, member.pk, [*holding.contact, *([] if keep else holding.identity)], values)
        if keep:
            self.kept.append(Kept(schema, Member._meta.db_table, str(member.pk), "member_of_retained_records", until))

    # -- the public schema -------------------------------------------------------------------------
    def public(self) -> None:
        for holding in holdings("public"):
            if holding.lookup is None or holding.label == "entities.Person":
                continue
            self.erase_holding(holding, "public", country=None)
        erased_key = f"erased-{self.person_id.hex}"
        if Person.objects.filter(person_id=self.person_id).exclude(match_key=erased_key).update(match_key=erased_key):
            self.changed["entities.Person"] += 1

    def strays(self, findings: list[Finding]) -> list[Finding]:
        """The findings outside the retained rows, their audit records and their files (and outside the
        files deleted at commit)."""
        kept = {(k.schema, k.table, k.pk) for k in self.kept}
        files = self.kept_files | {name for _, name in self.files}
        stray = []
        for finding in findings:
            if finding.schema == "files":
                allowed = finding.table in files
            elif finding.about is not None:
                allowed = (finding.schema, *finding.about) in kept
            else:
                allowed = (finding.schema, finding.table, finding.pk) in kept
            if not allowed:
                stray.append(finding)
        return stray


@contextmanager
def _erasing(erasure: Erasure, by: str) -> Iterator[None]:
    """The controlled path of the audit trail and the ledger (their triggers check this setting and that
    the erasure's row is running), and the actor of the erasure's own audit records."""
    token = bind(f"privacy:erasure {erasure.pk} by {by}"[:200], f"erasure-{erasure.pk}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('privacy.erasure', %s, true)", [str(erasure.pk)])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('privacy.erasure', '', true)")
        unbind(token)


def _delete(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        storage.delete(name)


def erase_person(
    *,
    person_id: uuid.UUID,
    by: str,
    reason: str,
    today: datetime.date | None = None,
    scan: bool = True,
    strict: bool = True,
    follow_up_of: Erasure | None = None,
) -> Erasure:
    """Erase one person everywhere, keeping what the law requires; all or nothing.

    ``strict=False`` commits even when the scan finds the person's values elsewhere, and lists those
    places in the summary for the data protection officer to review (a value that other people share,
    an address of several members, cannot be told apart by a text search)."""
    if not reason.strip():
        raise ERRORS.error("erasure_reason_required", field="reason")
    today = today or timezone.localdate()
    with schema_context("public"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ERASURE_LOCK, str(person_id)])
        if not Person.objects.filter(person_id=person_id).exists():
            raise ERRORS.error("erasure_person_unknown", field="person", status=404)
        rules = {(r.country, r.category): r for r in RetentionRule.objects.all()}
        run = _Run(person_id, pseudonym_for(person_id), today, rules, settings.PRIVACY_GROUP_COUNTRY)
        erasure = Erasure.objects.create(
            person_id=person_id, requested_by=by[:150], reason=reason[:300], pseudonym=run.pseudonym,
            follow_up_of=follow_up_of,
        )  # fmt: skip
        with _erasing(erasure, by):
            for entity in Entity.objects.order_by("slug"):
                with tenant_context(entity):
                    run.entity(entity)
            run.public()
            findings: list[Finding] = []
            # (a follow-up reads values an earlier erasure already replaced by the pseudonym)
            needles = [n for n in needles_of(run.values) if run.pseudonym not in n]
            coverage = Coverage()
            if scan:
                findings = scan_database(needles, coverage) + scan_files(needles, coverage=coverage)
            stray = run.strays(findings)
            if stray and strict:
                raise ERRORS.error("erasure_incomplete", where="; ".join(f.where() for f in stray[:20]), status=409)
            ends = [k.until for k in run.kept if k.until is not None]
            erasure.status = ErasureStatus.DONE
            erasure.finished_at = timezone.now()
            erasure.next_review = min(ends) + datetime.timedelta(days=1) if ends else None
            erasure.summary = {
                "changed": dict(sorted(run.changed.items())),
                "retained": [k.as_dict() for k in run.kept],
                "files_deleted": len(run.files),
                "scan": {
                    "values_searched": len(needles) if scan else 0,
                    "schemas": coverage.schemas,
                    "tables": coverage.tables,
                    "columns": coverage.columns,
                    "files": coverage.files,
                    "found_in_retained_records": len(findings) - len(stray),
                    "found_elsewhere": len(stray),
                    "elsewhere": [f.where() for f in stray],
                },
            }
            erasure.save(update_fields=["status", "finished_at", "next_review", "summary"])
        transaction.on_commit(lambda: _delete(run.files))
    return erasure
