"""Ledger integrity enforced by PostgreSQL, whoever writes (ORM, raw SQL, another program):

* every entry balances per currency and has at least two lines, checked at commit (deferred
  constraint triggers, so the lines of one entry can be inserted one by one inside the transaction);
* posted entries and lines can be neither updated, deleted nor truncated: corrections are reversals.

The functions live in each entity's schema and address tables through TG_TABLE_SCHEMA, so they
check the schema that fired them whatever the session's search_path is.
"""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION ledger_entry_balanced() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    entry_id bigint;
    line_count integer;
    bad record;
BEGIN
    IF TG_TABLE_NAME = 'ledger_journalentry' THEN
        entry_id := NEW.id;
    ELSE
        entry_id := NEW.entry_id;
    END IF;
    EXECUTE format('SELECT count(*) FROM %I.ledger_journalline WHERE entry_id = $1', TG_TABLE_SCHEMA)
        INTO line_count USING entry_id;
    IF line_count < 2 THEN
        RAISE EXCEPTION 'ledger entry % has % line(s); an entry needs at least two', entry_id, line_count
            USING ERRCODE = 'check_violation';
    END IF;
    EXECUTE format(
        'SELECT currency, sum(amount) AS off_by FROM %I.ledger_journalline WHERE entry_id = $1 '
        'GROUP BY currency HAVING sum(amount) <> 0 ORDER BY currency LIMIT 1', TG_TABLE_SCHEMA)
        INTO bad USING entry_id;
    IF bad.currency IS NOT NULL THEN
        RAISE EXCEPTION 'ledger entry % does not balance in %: off by %', entry_id, bad.currency, bad.off_by
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER ledger_entry_has_balanced_lines
    AFTER INSERT ON ledger_journalentry DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();
CREATE CONSTRAINT TRIGGER ledger_line_entry_balanced
    AFTER INSERT ON ledger_journalline DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_balanced();

CREATE OR REPLACE FUNCTION ledger_posted_is_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'posted ledger entries are immutable (% on %.%): post a reversal instead',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER ledger_entry_immutable BEFORE UPDATE OR DELETE ON ledger_journalentry
    FOR EACH ROW EXECUTE FUNCTION ledger_posted_is_immutable();
CREATE TRIGGER ledger_line_immutable BEFORE UPDATE OR DELETE ON ledger_journalline
    FOR EACH ROW EXECUTE FUNCTION ledger_posted_is_immutable();
CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_journalentry
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_posted_is_immutable();
CREATE TRIGGER ledger_line_no_truncate BEFORE TRUNCATE ON ledger_journalline
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_posted_is_immutable();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS ledger_line_no_truncate ON ledger_journalline;
DROP TRIGGER IF EXISTS ledger_entry_no_truncate ON ledger_journalentry;
DROP TRIGGER IF EXISTS ledger_line_immutable ON ledger_journalline;
DROP TRIGGER IF EXISTS ledger_entry_immutable ON ledger_journalentry;
DROP TRIGGER IF EXISTS ledger_line_entry_balanced ON ledger_journalline;
DROP TRIGGER IF EXISTS ledger_entry_has_balanced_lines ON ledger_journalentry;
DROP FUNCTION IF EXISTS ledger_posted_is_immutable();
DROP FUNCTION IF EXISTS ledger_entry_balanced();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
