"""Posted entries stay immutable, with one controlled exception: a GDPR erasure
(``privacy.erasure``) may rewrite the *description* of an entry whose retention period is over (it
replaces the person's name by their pseudonym). Amounts, accounts, dates and lines never change, so
every ledger stays balanced. The exception holds only inside the erasure's transaction, while its
``public.privacy_erasure`` row is ``running``; DELETE and TRUNCATE stay refused."""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION ledger_posted_is_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'ledger_journalentry'
       AND (to_jsonb(NEW) - 'description') = (to_jsonb(OLD) - 'description')
       AND current_setting('privacy.erasure', true) <> ''
       AND EXISTS (SELECT 1 FROM public.privacy_erasure e
                   WHERE e.id::text = current_setting('privacy.erasure', true) AND e.status = 'running') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'posted ledger entries are immutable (% on %.%): post a reversal instead',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""

REVERSE = r"""
CREATE OR REPLACE FUNCTION ledger_posted_is_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'posted ledger entries are immutable (% on %.%): post a reversal instead',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0005_line_activity_stage")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
