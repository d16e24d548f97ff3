"""Provisioning fast path: a new entity schema cloned by DDL from the template ``_entity_template``.

The template is an entity schema with no entity: ``migrate_fleet`` migrates it on every deploy
(before the entities), so it always holds exactly the code's migrations and the rows those
migrations leave behind (content types, permissions, accounts added by data migrations).

``schema_clone(target)`` builds the target in ONE multi-statement batch:

1. ``CREATE TABLE target.t (LIKE template.t INCLUDING ALL EXCLUDING INDEXES)`` for every table
   (columns, defaults, CHECK and NOT NULL constraints with their names, identity columns with their
   own new sequences);
2. the rows of every template table (django_migrations included);
3. primary keys, unique and exclusion constraints, then the other indexes, under the template's
   names (``LIKE ... INCLUDING INDEXES`` would rename them, and a later migration that drops an
   index or a constraint by name would then fail on cloned schemas only);
4. foreign keys, re-pointed at the target's tables (references to ``public`` stay on ``public``);
5. identity sequences set to the template's positions;
6. the template's functions (ledger and billing integrity) re-created in the target and their
   triggers attached to the target's tables.

Before cloning, the template's django_migrations must equal the code's migration set: a template
that missed a deploy raises ``TemplateStaleError`` instead of producing a schema whose
django_migrations claims columns it does not have (django-tenants' clone trap).
"""

from __future__ import annotations

import re

from django.db import transaction

from config.db import connection

from .fleet import TEMPLATE_SCHEMA, code_migrations, schema_migrate, template_state

# pg_advisory_xact_lock key: one template build at a time.
_TEMPLATE_LOCK = 0x54454D504C  # "TEMPL"


class TemplateStaleError(RuntimeError):
    """The template's migration state differs from the code's: cloning it would corrupt the new schema."""

    def __init__(self, missing: tuple[str, ...], extra: tuple[str, ...]) -> None:
        self.missing = missing
        self.extra = extra
        parts = []
        if missing:
            parts.append(f"missing {len(missing)} migration(s): {', '.join(missing)}")
        if extra:
            parts.append(f"has migration(s) the code does not know: {', '.join(extra)}")
        super().__init__(
            f"The entity template schema {TEMPLATE_SCHEMA} is not in the code's migration state "
            f"({'; '.join(parts)}). Run `manage.py migrate_fleet` (it migrates the template) before "
            "creating entities; refusing to clone it."
        )


def template_ensure() -> None:
    """Create the template on a fresh database, and bring it up to the code when it only lacks
    migrations (a deploy that ran stock ``migrate_schemas`` instead of ``migrate_fleet``). A template
    the code cannot explain (migrations unknown to it) is left alone: ``schema_clone`` refuses it."""
    state = template_state(expected=code_migrations())
    if state is not None and state.exists and not state.missing:
        return
    if state is not None and state.extra:
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_TEMPLATE_LOCK])
        state = template_state(expected=code_migrations())
        if state is None or not state.exists or state.missing:
            schema_migrate(TEMPLATE_SCHEMA, lock_timeout="0")


def template_check() -> None:
    """Raise ``TemplateStaleError`` unless the template holds exactly the code's migrations."""
    state = template_state(expected=code_migrations())
    if state is None or not state.exists:
        raise TemplateStaleError(tuple(code_migrations()), ())
    if state.missing or state.extra:
        raise TemplateStaleError(state.missing, state.extra)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


_CATALOG_SQL = {
    "tables": """
        SELECT c.relname,
               array_agg(a.attname ORDER BY a.attnum) FILTER (WHERE a.attgenerated = '')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        WHERE n.nspname = %(s)s AND c.relkind = 'r'
        GROUP BY c.relname ORDER BY c.relname""",
    "others": """
        SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %(s)s AND c.relkind NOT IN ('r', 'i', 'S')""",
    "constraints": """
        SELECT k.contype, t.relname, k.conname, pg_get_constraintdef(k.oid), rn.nspname, r.relname
        FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        LEFT JOIN pg_class r ON r.oid = k.confrelid LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace
        WHERE n.nspname = %(s)s AND k.contype IN ('p', 'u', 'x', 'f')
        ORDER BY CASE k.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 ELSE 3 END, t.relname, k.conname""",
    "indexes": """
        SELECT pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = ic.relnamespace
        WHERE n.nspname = %(s)s AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid
                                                  AND k.contype IN ('p', 'u', 'x'))
        ORDER BY ic.relname""",
    # Straight from pg_sequence: the pg_sequences view reads every sequence of the database first,
    # seconds once there are thousands of entity sequences.
    "sequences": """
        SELECT s.relname, format_type(q.seqtypid, NULL), pg_sequence_last_value(s.oid)
        FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace JOIN pg_sequence q ON q.seqrelid = s.oid
        WHERE n.nspname = %(s)s AND s.relkind = 'S' AND EXISTS (
            SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid
            AND d.deptype IN ('i', 'a') AND d.refobjsubid > 0)""",
    "functions": """
        SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %(s)s ORDER BY p.proname""",
    "triggers": """
        SELECT pg_get_triggerdef(g.oid) FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = %(s)s AND NOT g.tgisinternal ORDER BY t.relname, g.tgname""",
}


def clone_script(source: str, target: str) -> str:
    """The DDL that makes ``target`` a copy of ``source`` (structure, rows, sequences, triggers)."""
    catalog: dict[str, list[tuple]] = {}
    with connection.cursor() as cursor:
        for key, sql in _CATALOG_SQL.items():
            cursor.execute(sql, {"s": source})
            catalog[key] = cursor.fetchall()
    if catalog["others"]:
        kinds = ", ".join(f"{name} ({kind})" for name, kind in catalog["others"])
        raise RuntimeError(f"schema_clone does not know how to copy {kinds} of {source}")
    src, dst = _q(source), _q(target)
    qualified = re.compile(r"(?<![\w\"])" + re.escape(source) + r"\.")

    def repoint(text: str) -> str:
        """Names qualified with the source schema (quoted or not) -> the target schema."""
        return qualified.sub(dst + ".", text.replace(src + ".", dst + "."))

    out = [f"CREATE SCHEMA {dst}"]
    for table, _columns in catalog["tables"]:
        out.append(f"CREATE TABLE {dst}.{_q(table)} (LIKE {src}.{_q(table)} INCLUDING ALL EXCLUDING INDEXES)")
    for table, columns in catalog["tables"]:
        names = ", ".join(_q(c) for c in columns)
        source_table, target_table = f"{src}.{_q(table)}", f"{dst}.{_q(table)}"
        insert = f"INSERT INTO {target_table} ({names}) OVERRIDING SYSTEM VALUE SELECT {names} FROM {source_table}"  # noqa: S608
        out.append(insert)
    for kind, table, name, definition, ref_schema, ref_table in catalog["constraints"]:
        if kind == "f":
            ref = (dst if ref_schema == source else _q(ref_schema)) + "." + _q(ref_table)
            definition = re.sub(r"REFERENCES\s+\S+?\(", f"REFERENCES {ref}(", definition, count=1)
        out.append(f"ALTER TABLE {dst}.{_q(table)} ADD CONSTRAINT {_q(name)} {definition}")
    for (definition,) in catalog["indexes"]:
        out.append(repoint(definition))
    for sequence, data_type, last_value in catalog["sequences"]:
        # LIKE gives every identity column a bigint sequence named as the template's: restore its type
        # (Django's contrib tables use integer keys) and its position (rows copied above).
        if data_type != "bigint":
            out.append(f"ALTER SEQUENCE {dst}.{_q(sequence)} AS {data_type}")
        if last_value is not None:
            out.append(f"SELECT setval('{dst}.{_q(sequence)}', {int(last_value)}, true)")
    for (definition,) in catalog["functions"]:
        header, _sep, body = definition.partition("\n")
        out.append(repoint(header) + "\n" + body)
    for (definition,) in catalog["triggers"]:
        out.append(repoint(definition))
    return ";\n".join(out) + ";"


def schema_clone(target: str) -> None:
    """Create schema ``target`` as a copy of the (current) template. Call it inside a transaction:
    everything is transactional, so a failure leaves no schema behind."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{_q(TEMPLATE_SCHEMA)}.django_migrations"])
        if not cursor.fetchone()[0]:
            raise TemplateStaleError(tuple(code_migrations()), ())
        # A deploy migrating the template waits until this clone commits (and the reverse).
        cursor.execute(f"LOCK TABLE {_q(TEMPLATE_SCHEMA)}.django_migrations IN SHARE MODE")
    template_check()
    script = clone_script(TEMPLATE_SCHEMA, target)
    with connection.cursor() as cursor:
        cursor.execute(script)
