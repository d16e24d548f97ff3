"""The after-erasure scan: look for a person's values (their names, contact data, free texts) in every
text, JSON and text-array column of every table of every schema of the database (entity schemas, the
template, ``public``: history and audit tables included), and in the stored files.

Values shorter than ``MIN_NEEDLE`` characters are not searched (a four-letter first name would match
half the database); the erasure's test seeds long unique canaries. One query per table with text
columns, each a sequential scan: for a group of 200 entities that is a few thousand queries, fine for
an operation that runs a few times a month."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from config.db import connection

MIN_NEEDLE = 6
SYSTEM_SCHEMAS = ("pg_catalog", "information_schema", "pg_toast")

COLUMNS = """
SELECT n.nspname, c.relname, a.attname,
       (SELECT pa.attname FROM pg_index i JOIN pg_attribute pa ON pa.attrelid = i.indrelid AND pa.attnum = i.indkey[0]
        WHERE i.indrelid = c.oid AND i.indisprimary AND i.indnatts = 1) AS pk
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid AND c.relkind IN ('r', 'p')
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname <> ALL(%s) AND n.nspname NOT LIKE 'pg\\_%%'
  AND (t.typcategory = 'S' OR t.typname IN ('json', 'jsonb') OR e.typcategory = 'S')
ORDER BY 1, 2, a.attnum
"""


@dataclass(frozen=True)
class Finding:
    schema: str
    table: str
    pk: str  # the row's primary key as text ("" when the table has none, and for files)
    # (files: schema "files", table the path under MEDIA_ROOT)
    columns: tuple[str, ...]
    # For an audit record: the (table, row) it is about.
    about: tuple[str, str] | None = None

    def where(self) -> str:
        about = f" about {self.about[0]}[{self.about[1]}]" if self.about else ""
        return f"{self.schema}.{self.table}[{self.pk}]({', '.join(self.columns)}){about}"


def needles_of(values: Iterable[object]) -> list[str]:
    """The searchable pieces of a person's values: each line of each text, long enough to be theirs."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, str):
            for line in value.splitlines():
                line = line.strip()
                if len(line) >= MIN_NEEDLE and '"' not in line and "\\" not in line:
                    found.add(line)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for value in values:
        walk(value)
    return sorted(found)


def _pattern(needle: str) -> str:
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass
class Coverage:
    """What one scan looked at."""

    schemas: int = 0
    tables: int = 0
    columns: int = 0
    files: int = 0


def scan_database(needles: list[str], coverage: Coverage | None = None) -> list[Finding]:
    if not needles:
        return []
    patterns = [_pattern(n) for n in needles]
    quote = connection.ops.quote_name
    tables: dict[tuple[str, str], tuple[str | None, list[str]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(COLUMNS, [list(SYSTEM_SCHEMAS)])
        for schema, table, column, pk in cursor.fetchall():
            tables.setdefault((schema, table), (pk, []))[1].append(column)
        if coverage is not None:
            coverage.schemas = len({schema for schema, _ in tables})
            coverage.tables = len(tables)
            coverage.columns = sum(len(columns) for _, columns in tables.values())
        findings: list[Finding] = []
        for (schema, table), (pk, columns) in tables.items():
            tests = [f"{quote(col)}::text ILIKE ANY(%(p)s)" for col in columns]
            audit = table == "audit_auditrecord"
            extra = ", table_name, row_pk" if audit else ""
            key = f"{quote(pk)}::text" if pk else "''"
            # Identifiers from the catalog, quoted; the values are parameters.
            cursor.execute(
                f"SELECT {key}, {', '.join(tests)}{extra} "  # noqa: S608
                f"FROM {quote(schema)}.{quote(table)} WHERE {' OR '.join(tests)}",
                {"p": patterns},
            )
            for row in cursor.fetchall():
                hit = tuple(col for col, matched in zip(columns, row[1 : 1 + len(columns)], strict=True) if matched)
                about = (row[-2], row[-1]) if audit else None
                findings.append(Finding(schema, table, row[0], hit, about))
    return findings


def scan_files(needles: list[str], root: Path | None = None, coverage: Coverage | None = None) -> list[Finding]:
    """Stored files (uploads) that contain one of the values, as text (PDFs with compressed streams
    are not read through: their names and metadata are)."""
    root = Path(root or settings.MEDIA_ROOT)
    if not needles or not root.exists():
        return []
    encoded = [n.encode() for n in needles]
    findings = []
    for path in root.rglob("*"):
        if not path.is_file() or path.stat().st_size > 20 * 1024 * 1024:
            continue
        if coverage is not None:
            coverage.files += 1
        data = path.read_bytes()
        hits = tuple(n.decode() for n in encoded if n in data or n in str(path).encode())
        if hits:
            findings.append(Finding("files", str(path.relative_to(root)), "", ("content",)))
    return findings
