"""The read log of legal cases is append-only, whoever writes (ORM, raw SQL, another program)."""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION legal_access_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the legal case access log is append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
CREATE TRIGGER legal_access_log_no_change BEFORE UPDATE OR DELETE ON legal_aid_caseaccesslog
    FOR EACH ROW EXECUTE FUNCTION legal_access_log_append_only();
CREATE TRIGGER legal_access_log_no_truncate BEFORE TRUNCATE ON legal_aid_caseaccesslog
    FOR EACH STATEMENT EXECUTE FUNCTION legal_access_log_append_only();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS legal_access_log_no_truncate ON legal_aid_caseaccesslog;
DROP TRIGGER IF EXISTS legal_access_log_no_change ON legal_aid_caseaccesslog;
DROP FUNCTION IF EXISTS legal_access_log_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("legal_aid", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
