"""The one controlled way to change the audit trail: a GDPR erasure (``privacy.erasure``).

While an erasure runs, its transaction sets ``privacy.erasure`` to the id of its ``privacy_erasure``
row, whose status is ``running`` only inside that transaction. Then, and only then:

* ``audit_refuse_change()`` lets an UPDATE of an audit record through when it changes nothing but the
  ``before``/``after`` copies (the erasure overwrites the person's erased values in them); DELETE and
  TRUNCATE stay refused;
* ``audit_row()`` records the erasure's own changes without the old values (``before`` is empty: the
  record says which row was erased, by whom and when, and does not keep what was erased)."""

from django.db import migrations

RUNNING = """(current_setting('privacy.erasure', true) <> '' AND EXISTS (
        SELECT 1 FROM public.privacy_erasure e
        WHERE e.id::text = current_setting('privacy.erasure', true) AND e.status = 'running'))"""

FUNCTIONS = rf"""
CREATE OR REPLACE FUNCTION public.audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    hidden text[] := ARRAY['password', 'secret_hash', 'token_hash', 'secret'];
    old_row jsonb;
    new_row jsonb;
    owner bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD) - hidden; END IF;
    IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW) - hidden; END IF;
    -- An update that changes nothing, or only when a key was last used, is not a change.
    IF TG_OP = 'UPDATE' AND (old_row - 'last_used_at') = (new_row - 'last_used_at') THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_SCHEMA = 'public' THEN
        owner := (COALESCE(new_row, old_row) ->> 'entity_id')::bigint;
    ELSE
        SELECT id INTO owner FROM public.entities_entity WHERE schema_name = TG_TABLE_SCHEMA;
    END IF;
    EXECUTE format(
        'INSERT INTO %I.audit_auditrecord (at, schema_name, entity_id, table_name, operation, row_pk, actor, '
        'request_id, before, after) VALUES (clock_timestamp(), $1, $2, $3, $4, $5, $6, $7, $8, $9)',
        TG_TABLE_SCHEMA)
    USING TG_TABLE_SCHEMA, owner, TG_TABLE_NAME, TG_OP, COALESCE(new_row, old_row) ->> 'id',
          COALESCE(NULLIF(current_setting('audit.actor', true), ''), 'db:' || session_user),
          COALESCE(current_setting('audit.request_id', true), ''),
          CASE WHEN current_setting('privacy.erasure', true) <> '' THEN NULL ELSE old_row END, new_row;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION public.audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'before' - 'after') = (to_jsonb(OLD) - 'before' - 'after')
       AND {RUNNING} THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit records are append-only (% on %.%)', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""


def replace(apps, schema_editor):  # type: ignore[no-untyped-def]
    if getattr(schema_editor.connection, "schema_name", "public") != "public":
        return  # the functions live in public; entity schemas' triggers call them there
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FUNCTIONS)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_triggers"), ("privacy", "0001_initial")]

    operations = [migrations.RunPython(replace, migrations.RunPython.noop)]
