"""The audit triggers: ``public.audit_row()`` writes one record per changed row into the audit table
of the row's own schema; ``public.audit_refuse_change()`` keeps every audit table append-only. The
watched tables (``audit/registry.py``) get the row trigger in the schema this migration runs in:
public tables in ``public``, an entity's tables in each entity schema (and the template)."""

from django.db import migrations

from audit.registry import ENTITY_MODELS, PUBLIC_MODELS, TRIGGER

FUNCTIONS = r"""
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
          COALESCE(current_setting('audit.request_id', true), ''), old_row, new_row;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION public.audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only (% on %.%)', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""

GUARD = """
DROP TRIGGER IF EXISTS audit_record_immutable ON {table};
CREATE TRIGGER audit_record_immutable BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION public.audit_refuse_change();
DROP TRIGGER IF EXISTS audit_record_no_truncate ON {table};
CREATE TRIGGER audit_record_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION public.audit_refuse_change();
"""


def attach(apps, schema_editor):  # type: ignore[no-untyped-def]
    connection = schema_editor.connection
    schema = getattr(connection, "schema_name", "public")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if schema == "public":
            cursor.execute(FUNCTIONS)
        cursor.execute(GUARD.format(table=f"{quote(schema)}.audit_auditrecord"))
        for label in PUBLIC_MODELS if schema == "public" else ENTITY_MODELS:
            table = f"{quote(schema)}.{quote(apps.get_model(label)._meta.db_table)}"
            cursor.execute("SELECT to_regclass(%s)", [table])
            if cursor.fetchone()[0] is None:
                continue
            cursor.execute(
                f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}; "
                f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION public.audit_row()"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # The migrations that create the watched tables (not the apps' latest: the fleet's tests put
        # schemas behind by forgetting the newest migrations of ledger and payroll).
        ("members", "0001_initial"),
        ("billing", "0001_initial"),
        ("payroll", "0001_initial"),
        ("ledger", "0001_initial"),
        ("governance", "0004_remote_voting_links"),
        ("guarantee", "0001_initial"),
        ("shared_services", "0001_initial"),
        ("financing", "0001_initial"),
        ("insurance", "0001_initial"),
        ("referrals", "0001_initial"),
        ("federation_api", "0004_partner_api_keys"),
    ]

    operations = [migrations.RunPython(attach, migrations.RunPython.noop)]
