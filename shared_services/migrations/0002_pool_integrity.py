"""The pooled ledger's integrity, enforced by PostgreSQL as for the entities' ledgers: every entry
balances per currency with at least two lines (checked at commit), and posted entries and lines can
be neither updated, deleted nor truncated."""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION shared_pool_entry_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    the_entry bigint;
    line_count integer;
    bad record;
BEGIN
    IF TG_TABLE_NAME = 'shared_services_poolentry' THEN
        the_entry := NEW.id;
    ELSE
        the_entry := NEW.entry_id;
    END IF;
    SELECT count(*) INTO line_count FROM public.shared_services_poolline WHERE entry_id = the_entry;
    IF line_count < 2 THEN
        RAISE EXCEPTION 'pool entry % has % line(s); an entry needs at least two', the_entry, line_count
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT currency, sum(amount) AS off_by INTO bad FROM public.shared_services_poolline
        WHERE entry_id = the_entry GROUP BY currency HAVING sum(amount) <> 0 ORDER BY currency LIMIT 1;
    IF bad.currency IS NOT NULL THEN
        RAISE EXCEPTION 'pool entry % does not balance in %: off by %', the_entry, bad.currency, bad.off_by
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER shared_pool_entry_has_balanced_lines
    AFTER INSERT ON shared_services_poolentry DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION shared_pool_entry_balanced();
CREATE CONSTRAINT TRIGGER shared_pool_line_entry_balanced
    AFTER INSERT ON shared_services_poolline DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION shared_pool_entry_balanced();

CREATE OR REPLACE FUNCTION shared_pool_posted_is_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'posted pool entries are immutable (% on %.%): post a reversal instead',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER shared_pool_entry_immutable BEFORE UPDATE OR DELETE ON shared_services_poolentry
    FOR EACH ROW EXECUTE FUNCTION shared_pool_posted_is_immutable();
CREATE TRIGGER shared_pool_line_immutable BEFORE UPDATE OR DELETE ON shared_services_poolline
    FOR EACH ROW EXECUTE FUNCTION shared_pool_posted_is_immutable();
CREATE TRIGGER shared_pool_entry_no_truncate BEFORE TRUNCATE ON shared_services_poolentry
    FOR EACH STATEMENT EXECUTE FUNCTION shared_pool_posted_is_immutable();
CREATE TRIGGER shared_pool_line_no_truncate BEFORE TRUNCATE ON shared_services_poolline
    FOR EACH STATEMENT EXECUTE FUNCTION shared_pool_posted_is_immutable();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS shared_pool_line_no_truncate ON shared_services_poolline;
DROP TRIGGER IF EXISTS shared_pool_entry_no_truncate ON shared_services_poolentry;
DROP TRIGGER IF EXISTS shared_pool_line_immutable ON shared_services_poolline;
DROP TRIGGER IF EXISTS shared_pool_entry_immutable ON shared_services_poolentry;
DROP TRIGGER IF EXISTS shared_pool_line_entry_balanced ON shared_services_poolline;
DROP TRIGGER IF EXISTS shared_pool_entry_has_balanced_lines ON shared_services_poolentry;
DROP FUNCTION IF EXISTS shared_pool_posted_is_immutable();
DROP FUNCTION IF EXISTS shared_pool_entry_balanced();
"""


def load_holidays(apps, schema_editor):
    """Public holidays of the group's countries, 2020-2035 (data: staff may add more)."""
    import holidays

    PublicHoliday = apps.get_model("shared_services", "PublicHoliday")
    rows = []
    for country in ("BE", "FR", "NL", "DE", "AT", "SE", "ES", "IT", "HU"):
        for day, name in sorted(holidays.country_holidays(country, years=range(2020, 2036), language="en_US").items()):
            rows.append(PublicHoliday(country=country, date=day, name=str(name)[:120]))
    PublicHoliday.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("shared_services", "0001_initial")]

    operations = [
        migrations.RunSQL(SQL, REVERSE),
        migrations.RunPython(load_holidays, migrations.RunPython.noop),
    ]
