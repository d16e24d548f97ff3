"""``platform_migrations_diff(schema, expected)``: which of the code's migrations a schema misses and
which it has that the code does not know, read inside one statement of ``fleet_state`` for every
schema at once (plain PL/pgSQL: works on any PostgreSQL build, the embedded one included)."""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION platform_migrations_diff(target text, expected text[])
RETURNS TABLE (missing text, extra text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF to_regclass(format('%I.django_migrations', target)) IS NULL THEN
        RETURN QUERY SELECT NULL::text, NULL::text;
        RETURN;
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT (SELECT coalesce(string_agg(x, '' '' ORDER BY x), '''') FROM unnest($1) AS x '
        '        WHERE x NOT IN (SELECT app || ''.'' || name FROM %1$I.django_migrations)), '
        '       (SELECT coalesce(string_agg(app || ''.'' || name, '' '' ORDER BY app, name), '''') '
        '        FROM %1$I.django_migrations WHERE NOT (app || ''.'' || name = ANY ($1)))',
        target) USING expected;
END;
$$;
"""

REVERSE = "DROP FUNCTION IF EXISTS platform_migrations_diff(text, text[]);"


class Migration(migrations.Migration):
    dependencies = [("entities", "0004_levy_policy_data")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
