"""Bulk import of an entity's existing data (members, clients, invoices with what was paid on them).

Run inside the entity's context (``tenant_context(entity)``); ``manage.py import_entity_data`` wraps it.
Every row of every file is validated first, with the rules of the services (``member_create``, the VAT
rates of the entity's country, the document's currency...); if any row is bad nothing is written and
``ImportRejected`` lists every bad row with its file, line number, error code and field. Otherwise
everything is written in one transaction, in bulk, and every imported invoice and payment gets its
ledger entry (checked like ``entry_post`` does; the database re-checks each entry's balance at commit).

CSV files: UTF-8 (a BOM is accepted), comma-separated, one header row naming the columns (any order;
an unknown column is refused, to catch typos). Line numbers in errors are the file's lines (the header
is line 1). Dates are ISO (``2025-03-31``); amounts use a dot (``1234.50``), no thousands separator,
never more decimals than the currency has (cents; whole forints for HUF); booleans are
``yes``/``no`` (also ``true``/``false``, ``1``/``0``, empty = no).

members.csv
    ``kind`` (natural | legal), ``category`` (natural_user, legal_user, client, supplier,
    permanent_worker, partner), ``last_name`` (the company name of a legal person) — required;
    ``first_name`` (required for a natural person), ``birth_date``, ``national_id``,
    ``company_number`` (required for a legal person, valid for ``country``), ``country`` (ISO code;
    required for a legal person), ``email``, ``phone``, ``address``, ``languages`` (among fr nl de en,
    separated by spaces, ``|`` or ``;``), ``iban``, ``consent_partner_referrals``,
    ``consent_newsletter``. Each person is matched to the group's person registry exactly as
    ``member_create`` does; a person already member of the entity is refused.

clients.csv
    ``name``, ``country`` (ISO code) — required; ``is_funder`` (a funder signs grants and sponsorship
    agreements), ``vat_number`` (checked against the country's rules when given), ``email``,
    ``address``. Invoices name their client, so names must be unique in the entity.

invoices.csv (one row per document, one line each: what the former system invoiced, excluding VAT)
    ``activity`` (name), ``client`` (name, from clients.csv or already in the entity),
    ``issue_date``, ``net_amount`` (> 0), ``vat_rate`` (a rate of the entity's country, e.g. 21; 0
    for funding), ``currency`` (the activity's, which is the entity's for a new activity),
    ``paid_amount`` (0 up to the total including VAT) — required; ``kind`` (invoice | grant |
    sponsorship; default invoice), ``description`` (of the line; default "Imported invoice"),
    ``reference`` (its number in the former system, kept in the line's description), ``paid_on``
    (date of the payment; default the issue date), ``activity_holder`` (e-mail of the member who
    holds the activity, from members.csv or already in the entity: needed only when no activity of
    that name exists, in which case the activity is created at the "start" stage on the date of its
    first imported invoice).

What an imported document gets: a number of the entity's own sequence (``INV2025-000123``, numbered
in issue-date order after the documents already numbered that year), the single percentage in force
on its issue date, the status that its paid amount gives it (issued, partly paid, paid), and the
postings ``document_issue`` and ``payment_record`` would have made. Credit notes, contracts and
expenses are not imported.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import io
import json
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import get_cc_module
from stdnum.exceptions import ValidationError as StdnumError

from config.db import connection
from config.errors import ErrorCatalog, PlatformError
from tenants.activities.models import Activity, ActivityMember, ActivityRole, Stage, StageChange
from tenants.billing import errors as billing_errors
from tenants.billing.models import (
    FUNDING_KINDS,
    Client,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    NumberSequence,
    Payment,
)
from tenants.billing.vat import allowed_vat_rates
from tenants.ledger import errors as ledger_errors
from tenants.ledger import memos
from tenants.ledger.models import Account, AccountKind, EntryKind, JournalEntry, JournalLine, OutboxEvent
from tenants.ledger.money import percent_of, round_amount
from tenants.ledger.services import ACTIVITY_DEBIT_KINDS
from tenants.members import errors as member_errors
from tenants.members.models import Member, StakeholderCategory
from tenants.members.services import clean_iban
from tenants.registry.models import Entity, LevyPolicy, Person
from tenants.registry.persons import match_key
from tenants.registry.selectors import levy_policy_for
from tenants.registry.validators import PLATFORM_LANGUAGES, clean_company_number, country_codes, currency_codes

COLUMN_MISSING = "import_column_missing"
COLUMN_UNKNOWN = "import_column_unknown"
VALUE_REQUIRED = "import_value_required"
DATE_INVALID = "import_date_invalid"
DATE_IN_FUTURE = "import_date_in_future"
AMOUNT_INVALID = "import_amount_invalid"
AMOUNT_PRECISION = "import_amount_precision"
BOOLEAN_INVALID = "import_boolean_invalid"
COUNTRY_UNKNOWN = "import_country_unknown"
CURRENCY_UNKNOWN = "import_currency_unknown"
EMAIL_INVALID = "import_email_invalid"
VAT_NUMBER_INVALID = "import_vat_number_invalid"
DUPLICATE_ROW = "import_duplicate_row"
CLIENT_EXISTS = "import_client_exists"
CLIENT_UNKNOWN = "import_client_unknown"
CLIENT_AMBIGUOUS = "import_client_ambiguous"
ACTIVITY_UNKNOWN = "import_activity_unknown"
ACTIVITY_AMBIGUOUS = "import_activity_ambiguous"
HOLDER_UNKNOWN = "import_holder_unknown"
HOLDER_AMBIGUOUS = "import_holder_ambiguous"
HOLDER_CONFLICT = "import_holder_conflict"
PAID_EXCEEDS_TOTAL = "import_paid_exceeds_total"
PAID_BEFORE_ISSUE = "import_paid_before_issue"
ENTITY_CLOSED = "import_entity_closed"
FILE_UNREADABLE = "import_file_unreadable"
VALUE_TOO_LONG = "import_value_too_long"
NO_LEVY_POLICY = "import_no_levy_policy"
REJECTED = "import_rejected"

catalog = ErrorCatalog(
    {
        COLUMN_MISSING: _("Column %(column)s is missing."),
        COLUMN_UNKNOWN: _("Unknown column %(column)s."),
        VALUE_REQUIRED: _("A value is required."),
        DATE_INVALID: _("Not a date (expected YYYY-MM-DD): %(value)s."),
        DATE_IN_FUTURE: _("The date %(value)s is in the future."),
        AMOUNT_INVALID: _("Not an amount (expected e.g. 1234.50): %(value)s."),
        AMOUNT_PRECISION: _("%(value)s has more decimals than %(currency)s allows."),
        BOOLEAN_INVALID: _("Expected yes or no: %(value)s."),
        COUNTRY_UNKNOWN: _("Unknown country code %(value)s."),
        CURRENCY_UNKNOWN: _("Unknown currency code %(value)s."),
        EMAIL_INVALID: _("This e-mail address is not valid."),
        VAT_NUMBER_INVALID: _("This VAT number is not valid for %(country)s."),
        DUPLICATE_ROW: _("Same %(what)s as line %(line)s."),
        CLIENT_EXISTS: _("A client named %(name)s already exists in the entity."),
        CLIENT_UNKNOWN: _("No client named %(name)s (in clients.csv or in the entity)."),
        CLIENT_AMBIGUOUS: _("Several clients are named %(name)s."),
        ACTIVITY_UNKNOWN: _("No activity named %(name)s: give its holder's e-mail to create it."),
        ACTIVITY_AMBIGUOUS: _("Several activities are named %(name)s."),
        HOLDER_UNKNOWN: _("No member with the e-mail %(email)s."),
        HOLDER_AMBIGUOUS: _("Several members have the e-mail %(email)s."),
        HOLDER_CONFLICT: _("Activity %(name)s was given another holder on line %(line)s."),
        PAID_EXCEEDS_TOTAL: _("Paid %(paid)s is more than the total including VAT (%(total)s)."),
        PAID_BEFORE_ISSUE: _("The payment date is before the issue date."),
        ENTITY_CLOSED: _("A closed entity is read-only: nothing can be imported into it."),
        FILE_UNREADABLE: _("The file cannot be read as UTF-8 CSV (%(reason)s)."),
        VALUE_TOO_LONG: _("At most %(max_length)s characters."),
        NO_LEVY_POLICY: _("No single percentage was in force on %(value)s."),
        REJECTED: _("Nothing was imported: %(count)s error(s)."),
    }
)

BATCH = 5000
_MAX_AMOUNT = Decimal(10) ** 15  # amounts are numeric(18, 2)
IMPORTED_DESCRIPTION = "Imported invoice"
_TRUE, _FALSE = {"yes", "true", "1", "y", "oui", "ja"}, {"no", "false", "0", "n", "", "non", "nee", "nein"}

MEMBER_COLUMNS = (
    ("kind", "category", "last_name"),
    (
        "first_name",
        "birth_date",
        "national_id",
        "company_number",
        "country",
        "email",
        "phone",
        "address",
        "languages",
        "iban",
        "consent_partner_referrals",
        "consent_newsletter",
    ),
)
CLIENT_COLUMNS = (("name", "country"), ("is_funder", "vat_number", "email", "address"))
INVOICE_COLUMNS = (
    ("activity", "client", "issue_date", "net_amount", "vat_rate", "currency", "paid_amount"),
    ("kind", "description", "reference", "paid_on", "activity_holder"),
)


# --- errors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}"
        return f"{where}: {self.code}{f' ({self.field})' if self.field else ''}: {self.message}"


class ImportRejected(PlatformError):
    """Some rows are bad: nothing was written. ``errors`` lists them all, in file and line order."""

    def __init__(self, row_errors: list[RowError]):
        self.errors = sorted(row_errors, key=lambda e: (e.file, e.line, e.field))
        shown = "\n".join(f"  {error}" for error in self.errors[:50])
        more = f"\n  ... and {len(self.errors) - 50} more" if len(self.errors) > 50 else ""
        summary = catalog.error(REJECTED, count=len(self.errors))
        super().__init__(
            REJECTED,
            f"{summary.message}\n{shown}{more}",
            details={"errors": [error.__dict__ for error in self.errors]},
        )


class _RowRefused(Exception):
    def __init__(self, error: PlatformError, field: str | None = None):
        super().__init__(str(error.message))
        self.code, self.message, self.field = error.code, str(error.message), field or error.field or ""


def _refuse(code: str, field: str, **details: Any) -> _RowRefused:
    return _RowRefused(catalog.error(code, **details), field)


# --- reading ------------------------------------------------------------------------------------

Source = str | Path | IO[str] | Iterable[str]


@dataclass
class _Rows:
    name: str
    rows: list[tuple[int, dict[str, str]]]


def _open(source: Source) -> Iterator[str]:
    if isinstance(source, str | Path):
        with open(source, newline="", encoding="utf-8-sig") as handle:
            yield from handle
    else:
        first = True
        for chunk in source:
            yield chunk.lstrip("\ufeff") if first else chunk
            first = False


def _read(source: Source, name: str, columns: tuple[tuple[str, ...], tuple[str, ...]], errors: list[RowError]) -> _Rows:
    reader = csv.DictReader(_open(source))
    rows = []
    try:
        header = [(column or "").strip() for column in (reader.fieldnames or [])]
        reader.fieldnames = header
        required, optional = columns
        for column in required:
            if column not in header:
                errors.append(_error(name, 1, _refuse(COLUMN_MISSING, column, column=column)))
        for column in header:
            if column not in required and column not in optional:
                errors.append(_error(name, 1, _refuse(COLUMN_UNKNOWN, column, column=column)))
        for row in reader:
            values = {key: (value or "").strip() for key, value in row.items() if key is not None}
            if any(values.values()):
                rows.append((reader.line_num, values))
    except (UnicodeDecodeError, csv.Error) as exc:  # not UTF-8 (found a buffer ahead), or not CSV
        errors.append(_error(name, reader.line_num + 1, _refuse(FILE_UNREADABLE, "", reason=str(exc)[:200])))
    return _Rows(name, rows)


def _error(file: str, line: int, refused: _RowRefused) -> RowError:
    return RowError(file=file, line=line, code=refused.code, field=refused.field, message=refused.message)


def _required(row: dict[str, str], column: str) -> str:
    value = row.get(column, "")
    if not value:
        raise _refuse(VALUE_REQUIRED, column)
    return value


def _date(row: dict[str, str], column: str, today: datetime.date, *, required: bool = True) -> datetime.date | None:
    value = row.get(column, "")
    if not value:
        if required:
            raise _refuse(VALUE_REQUIRED, column)
        return None
    try:
        parsed = datetime.date.fromisoformat(value)
    except ValueError:
        raise _refuse(DATE_INVALID, column, value=value) from None
    if parsed > today:
        raise _refuse(DATE_IN_FUTURE, column, value=value)
    return parsed


def _amount(row: dict[str, str], column: str) -> Decimal:
    value = _required(row, column)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _refuse(AMOUNT_INVALID, column, value=value) from None
    if not amount.is_finite():
        raise _refuse(AMOUNT_INVALID, column, value=value)
    return amount


def _money(row: dict[str, str], column: str, currency: str) -> Decimal:
    amount = _amount(row, column)
    if abs(amount) >= _MAX_AMOUNT:
        raise _refuse(AMOUNT_INVALID, column, value=amount)
    if round_amount(amount, currency) != amount:
        raise _refuse(AMOUNT_PRECISION, column, value=amount, currency=currency)
    return round_amount(amount, currency)


def _fit(model: type[Model], name: str, value: str, column: str | None = None) -> str:
    """``value`` if it fits the model's field (refused rather than cut)."""
    max_length = model._meta.get_field(name).max_length  # type: ignore[union-attr]
    if max_length and len(value) > max_length:
        raise _refuse(VALUE_TOO_LONG, column or name, max_length=max_length)
    return value


def _boolean(row: dict[str, str], column: str) -> bool:
    value = row.get(column, "").lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _refuse(BOOLEAN_INVALID, column, value=value)


# --- validation ---------------------------------------------------------------------------------


@dataclass
class _MemberRow:
    line: int
    key: str
    fields: dict[str, Any]
    kind: str


def _member(row: dict[str, str], line: int, today: datetime.date) -> _MemberRow:
    """The checks of ``member_create``, in its order and with its error codes, without writing."""
    kind = row.get("kind", "").lower()
    if kind not in ("natural", "legal"):
        raise _RowRefused(member_errors.catalog.error(member_errors.KIND_UNKNOWN, field="kind"))
    category = row.get("category", "").lower()
    if category not in StakeholderCategory.values:
        raise _RowRefused(member_errors.catalog.error(member_errors.CATEGORY_UNKNOWN, field="category"))
    last_name, first_name = row.get("last_name", ""), row.get("first_name", "")
    if not last_name or (kind == "natural" and not first_name):
        raise _RowRefused(member_errors.catalog.error(member_errors.NAME_REQUIRED, field="last_name"))
    email = row.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise _RowRefused(member_errors.catalog.error(member_errors.EMAIL_INVALID, field="email")) from None
    languages = [code.lower() for code in row.get("languages", "").replace("|", " ").replace(";", " ").split()]
    if any(code not in PLATFORM_LANGUAGES for code in languages):
        raise _RowRefused(member_errors.catalog.error(member_errors.LANGUAGE_UNSUPPORTED, field="languages"))
    try:
        iban = clean_iban(row.get("iban", ""))
    except PlatformError as error:
        raise _RowRefused(error) from None
    country = row.get("country", "").upper()
    company_number = row.get("company_number", "")
    if kind == "legal":
        try:
            company_number = clean_company_number(country, company_number)
        except PlatformError:
            refusal = member_errors.catalog.error(member_errors.COMPANY_NUMBER_INVALID, field="company_number")
            raise _RowRefused(refusal) from None
    birth_date = _date(row, "birth_date", today, required=False)
    for name, value in (("first_name", first_name), ("last_name", last_name), ("email", email)):
        _fit(Member, name, value)
    fields = {
        "kind": kind,
        "category": category,
        "first_name": first_name,
        "last_name": last_name,
        "birth_date": birth_date,
        "company_number": _fit(Member, "company_number", company_number),
        "email": email,
        "phone": _fit(Member, "phone", row.get("phone", "")),
        "address": row.get("address", ""),
        "languages": languages,
        "iban": iban,
        "consent_partner_referrals": _boolean(row, "consent_partner_referrals"),
        "consent_newsletter": _boolean(row, "consent_newsletter"),
    }
    key = match_key(
        kind=kind,
        national_id=row.get("national_id", ""),
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        company_number=company_number,
        country=country,
    )
    return _MemberRow(line, key, fields, kind)


@cache
def _vat_module_exists(country: str) -> bool:
    return get_cc_module(country.lower(), "vat") is not None


def _client(row: dict[str, str]) -> dict[str, Any]:
    name = _required(row, "name")
    country = _required(row, "country").upper()
    if country not in country_codes():
        raise _refuse(COUNTRY_UNKNOWN, "country", value=country)
    email = row.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise _refuse(EMAIL_INVALID, "email") from None
    vat_number = row.get("vat_number", "")
    if vat_number and _vat_module_exists(country):
        try:
            clean_company_number(country, vat_number)
        except (PlatformError, StdnumError):
            raise _refuse(VAT_NUMBER_INVALID, "vat_number", country=country) from None
    return {
        "name": _fit(Client, "name", name),
        "country": country,
        "is_funder": _boolean(row, "is_funder"),
        "vat_number": _fit(Client, "vat_number", vat_number),
        "email": _fit(Client, "email", email),
        "address": row.get("address", ""),
    }


@dataclass
class _InvoiceRow:
    line: int
    kind: str
    activity: str
    client: str
    issue_date: datetime.date
    currency: str
    net: Decimal
    vat_rate: Decimal
    vat: Decimal
    levy_rate: Decimal
    levy: Decimal
    paid: Decimal
    paid_on: datetime.date
    description: str
    number: str = ""
    public_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    @property
    def status(self) -> str:
        if self.paid == 0:
            return InvoiceStatus.ISSUED
        return InvoiceStatus.PAID if self.paid == self.gross else InvoiceStatus.PARTLY_PAID


class _Context:
    """What validation looks up: the entity's existing activities, clients and members."""

    def __init__(self, entity: Entity, today: datetime.date) -> None:
        self.entity, self.today = entity, today
        self.country, self.currency = entity.country, entity.currency
        self.vat_rates = allowed_vat_rates(entity.country)
        self.activities: dict[str, list[Activity]] = defaultdict(list)
        for activity in Activity.objects.only("id", "name", "currency", "public_id", "stage"):
            self.activities[activity.name].append(activity)
        self.clients: dict[str, list[tuple[int | None, bool]]] = defaultdict(list)  # name -> (id, is_funder)
        for pk, name, is_funder in Client.objects.values_list("id", "name", "is_funder"):
            self.clients[name].append((pk, is_funder))
        self.emails: dict[str, list[int | None]] = defaultdict(list)  # e-mail -> member ids (None: imported)
        for pk, email in Member.objects.exclude(email="").values_list("id", "email"):
            self.emails[email.lower()].append(pk)
        # The policy in force changes only on the policies' effective dates: one look-up per period.
        policies = LevyPolicy.objects.filter(country__in=[self.country, ""])
        self._levy_changes = sorted(set(policies.values_list("effective_from", flat=True)))
        self._levy: dict[int, Decimal] = {}

    def levy_rate(self, on: datetime.date) -> Decimal:
        period = bisect.bisect_right(self._levy_changes, on)
        if period not in self._levy:
            try:
                self._levy[period] = levy_policy_for(country=self.country, on=on).rate
            except LookupError:
                raise _refuse(NO_LEVY_POLICY, "issue_date", value=on) from None
        return self._levy[period]


def _invoice(row: dict[str, str], line: int, ctx: _Context, new_activities: dict[str, tuple[str, int]]) -> _InvoiceRow:
    kind = (row.get("kind") or InvoiceKind.INVOICE).lower()
    if kind not in (InvoiceKind.INVOICE, InvoiceKind.GRANT, InvoiceKind.SPONSORSHIP):
        raise _RowRefused(billing_errors.catalog.error(billing_errors.KIND_UNKNOWN, field="kind"))
    activity_name = _fit(Activity, "name", _required(row, "activity"), "activity")
    client_name = _required(row, "client")
    issue_date = _date(row, "issue_date", ctx.today)
    assert issue_date is not None
    currency = _required(row, "currency").upper()
    if currency not in currency_codes():
        raise _refuse(CURRENCY_UNKNOWN, "currency", value=currency)

    existing = ctx.activities.get(activity_name, [])
    holder = row.get("activity_holder", "").lower()
    if len(existing) > 1:
        raise _refuse(ACTIVITY_AMBIGUOUS, "activity", name=activity_name)
    if existing:
        expected = existing[0].currency
    else:
        expected = ctx.currency
        known = new_activities.get(activity_name)
        if known is None and not holder:
            raise _refuse(ACTIVITY_UNKNOWN, "activity", name=activity_name)
        if holder:
            members = ctx.emails.get(holder, [])
            if not members:
                raise _refuse(HOLDER_UNKNOWN, "activity_holder", email=holder)
            if len(members) > 1:
                raise _refuse(HOLDER_AMBIGUOUS, "activity_holder", email=holder)
            if known is not None and known[0] != holder:
                raise _refuse(HOLDER_CONFLICT, "activity_holder", name=activity_name, line=known[1])
            new_activities.setdefault(activity_name, (holder, line))
    if currency != expected:
        raise _RowRefused(
            billing_errors.catalog.error(
                billing_errors.CURRENCY_MISMATCH, field="currency", expected=expected, got=currency
            )
        )

    clients = ctx.clients.get(client_name, [])
    if not clients:
        raise _refuse(CLIENT_UNKNOWN, "client", name=client_name)
    if len(clients) > 1:
        raise _refuse(CLIENT_AMBIGUOUS, "client", name=client_name)
    if kind in FUNDING_KINDS and not clients[0][1]:
        raise _RowRefused(billing_errors.catalog.error(billing_errors.FUNDING_NEEDS_FUNDER, field="client"))

    net = _money(row, "net_amount", currency)
    if net <= 0:
        raise _RowRefused(billing_errors.catalog.error(billing_errors.PRICE_INVALID, field="net_amount"))
    vat_rate = _amount(row, "vat_rate")
    if vat_rate not in ctx.vat_rates or (kind in FUNDING_KINDS and vat_rate != 0):
        raise _RowRefused(
            billing_errors.catalog.error(
                billing_errors.VAT_RATE_INVALID, field="vat_rate", rate=vat_rate, country=ctx.country
            )
        )
    vat_rate = next(rate for rate in ctx.vat_rates if rate == vat_rate)  # the canonical form: 21, not 21.000
    vat = percent_of(net, vat_rate, currency)
    paid = _money(row, "paid_amount", currency)
    if paid < 0:
        raise _RowRefused(billing_errors.catalog.error(billing_errors.PAYMENT_INVALID, field="paid_amount"))
    if paid > net + vat:
        raise _refuse(PAID_EXCEEDS_TOTAL, "paid_amount", paid=paid, total=net + vat)
    paid_on = _date(row, "paid_on", ctx.today, required=False) or issue_date
    if paid_on < issue_date:
        raise _refuse(PAID_BEFORE_ISSUE, "paid_on")
    levy_rate = ctx.levy_rate(issue_date)
    description = row.get("description") or IMPORTED_DESCRIPTION
    if row.get("reference"):
        description = f"{description} ({row['reference']})"
    _fit(InvoiceLine, "description", description, "description")
    return _InvoiceRow(
        line=line,
        kind=kind,
        activity=activity_name,
        client=client_name,
        issue_date=issue_date,
        currency=currency,
        net=net,
        vat_rate=vat_rate,
        vat=vat,
        levy_rate=levy_rate,
        levy=percent_of(net, levy_rate, currency),
        paid=paid,
        paid_on=paid_on,
        description=description[:300],
    )


# --- writing in bulk ----------------------------------------------------------------------------
#
# Large volumes go through PostgreSQL's COPY (Django's bulk_create spends most of its time building
# and quoting the statement). Rows whose id is needed later get ids reserved from the table's own
# sequence first. Every row trigger of the tables still fires: the frozen-document triggers of billing
# and the balance check of each ledger entry at commit.


def _reserve_ids(model: type[Model], count: int) -> list[int]:
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    from audit.context import send_now

    send_now(connection)  # COPY bypasses Django's statement wrappers: tell the audit who writes
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)  # type: ignore[union-attr]
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(  # the psycopg cursor (search_path already set)
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)


# --- ledger, in bulk ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkPosting:
    account: Account
    amount: Decimal  # debit > 0, credit < 0
    currency: str
    activity: Activity | None = None
    memo: str = ""


@dataclass(frozen=True)
class BulkEntry:
    kind: str
    on: datetime.date
    description: str
    source: str
    postings: Sequence[BulkPosting]


def _checked_lines(entry: BulkEntry) -> list[BulkPosting]:
    """The checks of ``entry_post``: exact amounts rounded to the currency, zero lines dropped, at
    least two lines, balanced per currency, no forbidden outflow from an activity."""
    lines = []
    for posting in entry.postings:
        if not isinstance(posting.amount, Decimal):
            raise ledger_errors.catalog.error(ledger_errors.NOT_DECIMAL)
        amount = round_amount(posting.amount, posting.currency)
        if amount != 0:
            lines.append(BulkPosting(posting.account, amount, posting.currency, posting.activity, posting.memo))
    if len(lines) < 2:
        raise ledger_errors.catalog.error(ledger_errors.TOO_FEW_LINES)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[line.currency] += line.amount
        if line.account.kind == AccountKind.ACTIVITY and line.amount > 0 and entry.kind not in ACTIVITY_DEBIT_KINDS:
            raise ledger_errors.catalog.error(ledger_errors.FORBIDDEN_OUTFLOW, kind=entry.kind)
    for currency, total in sorted(totals.items()):
        if total != 0:
            raise ledger_errors.catalog.error(ledger_errors.UNBALANCED, currency=currency, off_by=total)
    return lines


def entries_post_bulk(entries: Sequence[BulkEntry], *, posted_by: str = "") -> int:
    """Post many entries at once: each one checked like ``entry_post`` does before anything is
    written, each with its outbox event (same payload). The database re-checks every entry's balance
    at commit and refuses any later change. Returns the number of entries."""
    checked = [(entry, _checked_lines(entry)) for entry in entries]
    if not checked:
        return 0
    now = timezone.now()
    ids = _reserve_ids(JournalEntry, len(checked))
    public_ids = [uuid.uuid4() for _ in checked]
    with transaction.atomic():
        _copy(
            JournalEntry,
            ("id", "public_id", "kind", "date", "posted_at", "description", "source", "posted_by"),
            (
                (pk, public_id, entry.kind, entry.on, now, entry.description[:300], entry.source, posted_by)
                for pk, public_id, (entry, _lines) in zip(ids, public_ids, checked, strict=True)
            ),
        )
        _copy(
            JournalLine,
            ("entry", "account", "amount", "currency", "activity", "activity_stage", "memo"),
            (
                (
                    pk,
                    line.account.pk,
                    line.amount,
                    line.currency,
                    line.activity.pk if line.activity else None,
                    str(line.activity.stage) if line.activity else "",
                    line.memo,
                )
                for pk, (_entry, lines) in zip(ids, checked, strict=True)
                for line in lines
            ),
        )
        _copy(
            OutboxEvent,
            ("event_id", "kind", "occurred_at", "payload"),
            (
                (uuid.uuid4(), "ledger.entry_posted", now, json.dumps(_event_payload(public_id, entry, lines)))
                for public_id, (entry, lines) in zip(public_ids, checked, strict=True)
            ),
        )
    return len(checked)


def _event_payload(public_id: uuid.UUID, entry: BulkEntry, lines: list[BulkPosting]) -> dict[str, object]:
    """The payload ``entry_post`` writes (see ``tenants.ledger.services._event_payload``)."""
    return {
        "entry": str(public_id),
        "kind": str(entry.kind),
        "date": entry.on.isoformat(),
        "reverses": None,
        "lines": [
            {
                "account_kind": str(line.account.kind),
                "amount": str(line.amount),
                "currency": line.currency,
                "activity": str(line.activity.public_id) if line.activity else None,
                "activity_stage": str(line.activity.stage) if line.activity else None,
            }
            for line in lines
        ],
    }


# --- the import ---------------------------------------------------------------------------------


@dataclass
class ImportResult:
    members: int = 0
    clients: int = 0
    activities: int = 0
    invoices: int = 0
    payments: int = 0
    entries: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # validate, write

    def __str__(self) -> str:
        return (
            f"{self.members} members, {self.clients} clients, {self.activities} new activities, "
            f"{self.invoices} invoices, {self.payments} payments, {self.entries} ledger entries"
        )


def entity_data_import(
    *,
    entity: Entity,
    members: Source | None = None,
    clients: Source | None = None,
    invoices: Source | None = None,
    by: str = "import",
    today: datetime.date | None = None,
) -> ImportResult:
    """Validate every row of the given files, then write all of it in bulk, or nothing (raises
    ``ImportRejected`` listing every bad row). Call inside ``tenant_context(entity)``."""
    if connection.schema_name != entity.schema_name:
        raise RuntimeError("entity_data_import runs inside tenant_context(entity)")
    if entity.is_closed:
        raise catalog.error(ENTITY_CLOSED, status=409)
    started = time.perf_counter()
    today = today or timezone.localdate()
    errors: list[RowError] = []
    ctx = _Context(entity, today)

    member_rows = _validate_members(members, ctx, errors) if members is not None else []
    client_rows = _validate_clients(clients, ctx, errors) if clients is not None else []
    new_activities: dict[str, tuple[str, int]] = {}
    invoice_rows = _validate_invoices(invoices, ctx, new_activities, errors) if invoices is not None else []
    if errors:
        raise ImportRejected(errors)
    result = ImportResult(seconds={"validate": time.perf_counter() - started})

    started = time.perf_counter()
    with transaction.atomic():
        result.members = _write_members(member_rows, ctx)
        result.clients = _write_clients(client_rows, ctx)
        activities, result.activities = _write_activities(invoice_rows, new_activities, ctx, by)
        result.invoices, result.payments, result.entries = _write_invoices(invoice_rows, activities, ctx, by)
    result.seconds["write"] = time.perf_counter() - started
    return result


def _validate_members(source: Source, ctx: _Context, errors: list[RowError]) -> list[_MemberRow]:
    data = _read(source, "members.csv", MEMBER_COLUMNS, errors)
    rows: list[_MemberRow] = []
    first_line: dict[str, int] = {}
    for line, row in data.rows:
        try:
            member = _member(row, line, ctx.today)
        except _RowRefused as refused:
            errors.append(_error(data.name, line, refused))
            continue
        if member.key in first_line:
            duplicate = _refuse(DUPLICATE_ROW, "last_name", what="person", line=first_line[member.key])
            errors.append(_error(data.name, line, duplicate))
            continue
        first_line[member.key] = line
        rows.append(member)
    # Persons already members of the entity (read-only look-up of the group's registry).
    persons = _persons_by_key([row.key for row in rows])
    already = set(Member.objects.filter(person_id__in=list(persons.values())).values_list("person_id", flat=True))
    for member in rows:
        if persons.get(member.key) in already:
            refusal = member_errors.catalog.error(member_errors.ALREADY_MEMBER, status=409)
            errors.append(_error(data.name, member.line, _RowRefused(refusal, "last_name")))
        elif member.fields["email"]:
            ctx.emails[member.fields["email"].lower()].append(None)
    return rows


def _persons_by_key(keys: Sequence[str]) -> dict[str, uuid.UUID]:
    found: dict[str, uuid.UUID] = {}
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        found.update(Person.objects.filter(match_key__in=chunk).values_list("match_key", "person_id"))
    return found


def _validate_clients(source: Source, ctx: _Context, errors: list[RowError]) -> list[dict[str, Any]]:
    data = _read(source, "clients.csv", CLIENT_COLUMNS, errors)
    rows = []
    first_line: dict[str, int] = {}
    for line, row in data.rows:
        try:
            client = _client(row)
            if client["name"] in first_line:
                raise _refuse(DUPLICATE_ROW, "name", what="client name", line=first_line[client["name"]])
            if client["name"] in ctx.clients:
                raise _refuse(CLIENT_EXISTS, "name", name=client["name"])
        except _RowRefused as refused:
            errors.append(_error(data.name, line, refused))
            continue
        first_line[client["name"]] = line
        rows.append(client)
    for client in rows:
        ctx.clients[client["name"]].append((None, client["is_funder"]))
    return rows


def _validate_invoices(
    source: Source, ctx: _Context, new_activities: dict[str, tuple[str, int]], errors: list[RowError]
) -> list[_InvoiceRow]:
    data = _read(source, "invoices.csv", INVOICE_COLUMNS, errors)
    rows = []
    for line, row in data.rows:
        try:
            rows.append(_invoice(row, line, ctx, new_activities))
        except _RowRefused as refused:
            errors.append(_error(data.name, line, refused))
    return rows


_MEMBER_FIELDS = (
    "kind",
    "category",
    "first_name",
    "last_name",
    "birth_date",
    "company_number",
    "email",
    "phone",
    "address",
    "languages",
    "iban",
    "consent_partner_referrals",
    "consent_newsletter",
)


def _write_members(rows: list[_MemberRow], ctx: _Context) -> int:
    """Members matched to the group's person registry (new persons registered as ``person_resolve``
    does, a concurrent registration of the same person by another entity included)."""
    if not rows:
        return 0
    persons = _persons_by_key([row.key for row in rows])
    missing = {row.key: row.kind for row in rows if row.key not in persons}
    if missing:
        Person.objects.bulk_create(
            [Person(kind=kind, match_key=key) for key, kind in missing.items()], batch_size=BATCH, ignore_conflicts=True
        )
        persons.update(_persons_by_key(list(missing)))
    ids = _reserve_ids(Member, len(rows))
    now = timezone.now()
    _copy(
        Member,
        ("id", "public_id", "person_id", "created_at", *_MEMBER_FIELDS),
        (
            (pk, uuid.uuid4(), persons[row.key], now, *(row.fields[name] for name in _MEMBER_FIELDS))
            for pk, row in zip(ids, rows, strict=True)
        ),
    )
    for pk, row in zip(ids, rows, strict=True):
        if row.fields["email"]:
            members = ctx.emails[row.fields["email"].lower()]
            members[members.index(None)] = pk
    return len(rows)


_CLIENT_FIELDS = ("name", "country", "is_funder", "vat_number", "email", "address")


def _write_clients(rows: list[dict[str, Any]], ctx: _Context) -> int:
    ids = _reserve_ids(Client, len(rows))
    _copy(
        Client,
        ("id", "public_id", *_CLIENT_FIELDS),
        ((pk, uuid.uuid4(), *(row[name] for name in _CLIENT_FIELDS)) for pk, row in zip(ids, rows, strict=True)),
    )
    for pk, row in zip(ids, rows, strict=True):
        ctx.clients[row["name"]] = [(pk, row["is_funder"])]
    return len(rows)


def _write_activities(
    rows: list[_InvoiceRow], new_activities: dict[str, tuple[str, int]], ctx: _Context, by: str
) -> tuple[dict[str, Activity], int]:
    """The activities the invoices name: the existing ones, and new ones created as ``activity_create``
    does (holder, first entry of the stage history, ledger account)."""
    first_day: dict[str, datetime.date] = {}
    for row in rows:
        if row.activity not in first_day or row.issue_date < first_day[row.activity]:
            first_day[row.activity] = row.issue_date
    activities = {name: ctx.activities[name][0] for name in first_day if name in ctx.activities}
    names = [name for name in first_day if name not in ctx.activities]
    if not names:
        return activities, 0
    now = timezone.now()
    created = [
        Activity(
            pk=pk,
            name=name[:200],
            stage=Stage.START,
            stage_since=first_day[name],
            currency=ctx.currency,
            description="Imported with its invoices.",
            created_at=now,
        )
        for pk, name in zip(_reserve_ids(Activity, len(names)), names, strict=True)
    ]
    fields = ("id", "public_id", "name", "description", "stage", "stage_since", "currency", "created_at")
    _copy(Activity, fields, ([getattr(a, name) for name in fields] for a in created))
    _copy(
        ActivityMember,
        ("activity", "member", "role", "joined_on"),
        ((a.pk, ctx.emails[new_activities[a.name][0]][0], ActivityRole.HOLDER, a.stage_since) for a in created),
    )
    _copy(
        StageChange,
        ("activity", "from_stage", "to_stage", "changed_on", "reason", "changed_by"),
        ((a.pk, "", a.stage, a.stage_since, "import", by) for a in created),
    )
    _copy(  # as activity_account_create does
        Account,
        ("kind", "activity", "code", "name"),
        ((AccountKind.ACTIVITY, a.pk, f"A{a.pk:07d}", a.name[:200]) for a in created),
    )
    activities.update({a.name: a for a in created})
    return activities, len(created)


_PREFIX = {InvoiceKind.INVOICE: "INV", InvoiceKind.GRANT: "FA", InvoiceKind.SPONSORSHIP: "FA"}


def _number(rows: list[_InvoiceRow]) -> None:
    """Numbers of the entity's sequences (``document_issue``'s format), in issue-date order."""
    by_sequence: dict[tuple[str, int], list[_InvoiceRow]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.issue_date, r.line)):
        by_sequence[(_PREFIX[InvoiceKind(row.kind)], row.issue_date.year)].append(row)
    for (prefix, year), sequence_rows in sorted(by_sequence.items()):
        sequence, _ = NumberSequence.objects.select_for_update().get_or_create(prefix=prefix, year=year)
        for offset, row in enumerate(sequence_rows, start=1):
            row.number = f"{prefix}{year}-{sequence.last + offset:06d}"
        sequence.last += len(sequence_rows)
        sequence.save(update_fields=["last"])


_INVOICE_FIELDS = (
    "id",
    "public_id",
    "kind",
    "number",
    "activity",
    "client",
    "currency",
    "issue_date",
    "due_date",
    "status",
    "levy_rate",
    "total_net",
    "total_vat",
    "total_gross",
    "levy_amount",
    "client_name",
    "created_at",
)
_LINE_FIELDS = ("invoice", "description", "quantity", "unit_price", "vat_rate", "net_amount", "vat_amount")
_PAYMENT_FIELDS = ("public_id", "invoice", "amount", "currency", "received_on", "reference")


def _write_invoices(
    rows: list[_InvoiceRow], activities: dict[str, Activity], ctx: _Context, by: str
) -> tuple[int, int, int]:
    """Each invoice as ``document_create`` + ``document_issue`` + ``payment_record`` would leave it:
    written as a draft with its line, then issued (the database accepts lines on drafts only)."""
    if not rows:
        return 0, 0, 0
    _number(rows)
    fixed = {account.kind: account for account in Account.objects.exclude(kind=AccountKind.ACTIVITY)}
    activity_accounts = {
        int(account.activity_id): account
        for account in Account.objects.filter(activity_id__in=[a.pk for a in activities.values()])
        if account.activity_id is not None
    }
    clients = {name: ids[0][0] for name, ids in ctx.clients.items()}
    payments = entries = 0
    now = timezone.now()
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        ids = _reserve_ids(Invoice, len(chunk))
        _copy(
            Invoice,
            _INVOICE_FIELDS,
            (
                (
                    pk,
                    row.public_id,
                    row.kind,
                    row.number,
                    activities[row.activity].pk,
                    clients[row.client],
                    row.currency,
                    row.issue_date,
                    row.issue_date + datetime.timedelta(days=30),
                    InvoiceStatus.DRAFT,
                    row.levy_rate,
                    row.net,
                    row.vat,
                    row.gross,
                    row.levy,
                    row.client,
                    now,
                )
                for pk, row in zip(ids, chunk, strict=True)
            ),
        )
        _copy(
            InvoiceLine,
            _LINE_FIELDS,
            (
                (pk, row.description, Decimal(1), row.net, row.vat_rate, row.net, row.vat)
                for pk, row in zip(ids, chunk, strict=True)
            ),
        )
        by_status: dict[str, list[int]] = defaultdict(list)
        for pk, row in zip(ids, chunk, strict=True):
            by_status[row.status].append(pk)
        with connection.cursor() as cursor:
            for status, status_ids in sorted(by_status.items()):
                cursor.execute(
                    "UPDATE billing_invoice SET status = %s WHERE id = ANY(%s::bigint[])",
                    [status, "{" + ",".join(map(str, status_ids)) + "}"],
                )
        paid = [(pk, row, uuid.uuid4()) for pk, row in zip(ids, chunk, strict=True) if row.paid > 0]
        _copy(
            Payment,
            _PAYMENT_FIELDS,
            ((public_id, pk, row.paid, row.currency, row.paid_on, "import") for pk, row, public_id in paid),
        )
        payments += len(paid)
        ledger = [_issue_entry(row, activities[row.activity], fixed, activity_accounts) for row in chunk]
        ledger += [_payment_entry(row, public_id, activities[row.activity], fixed) for _pk, row, public_id in paid]
        entries += entries_post_bulk(ledger, posted_by=by)
    return len(rows), payments, entries


def _issue_entry(
    row: _InvoiceRow, activity: Activity, fixed: dict[str, Account], activity_accounts: dict[int, Account]
) -> BulkEntry:
    """The postings of ``document_issue``."""
    funding = row.kind in FUNDING_KINDS
    receivable = fixed[AccountKind.FUNDER_RECEIVABLE if funding else AccountKind.CLIENT_RECEIVABLE]
    own, c = activity_accounts[activity.pk], row.currency
    levy_memo = memos.LEVY
    return BulkEntry(
        kind=EntryKind.FUNDING_GRANTED if funding else EntryKind.INVOICE_ISSUED,
        on=row.issue_date,
        description=f"{row.number} {row.client}",
        source=f"billing.invoice:{row.public_id}",
        postings=[
            BulkPosting(receivable, row.gross, c, activity, memos.AMOUNT_DUE),
            BulkPosting(fixed[AccountKind.VAT_PAYABLE], -row.vat, c, activity, memos.VAT),
            BulkPosting(own, -row.net, c, activity, memos.INCOME),
            BulkPosting(own, row.levy, c, activity, levy_memo),
            BulkPosting(fixed[AccountKind.LEVY_INCOME], -row.levy, c, activity, levy_memo),
        ],
    )


def _payment_entry(row: _InvoiceRow, payment: uuid.UUID, activity: Activity, fixed: dict[str, Account]) -> BulkEntry:
    """The postings of ``payment_record``."""
    funding = row.kind in FUNDING_KINDS
    receivable = fixed[AccountKind.FUNDER_RECEIVABLE if funding else AccountKind.CLIENT_RECEIVABLE]
    return BulkEntry(
        kind=EntryKind.FUNDER_PAYMENT if funding else EntryKind.CLIENT_PAYMENT,
        on=row.paid_on,
        description=f"{row.number}",
        source=f"billing.payment:{payment}",
        postings=[
            BulkPosting(fixed[AccountKind.BANK], row.paid, row.currency, activity),
            BulkPosting(receivable, -row.paid, row.currency, activity),
        ],
    )


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document in the import's format (tests, benchmarks, exports)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
