"""An issued invoice or funding agreement is never edited, whoever writes: only its payment status
moves forward (issued -> partly paid -> paid). Its lines can no longer change either."""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION billing_issued_invoice_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status = 'draft' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'issued document % cannot be deleted: issue a credit note', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.status = 'draft'
       OR (NEW.kind, NEW.number, NEW.activity_id, NEW.client_id, NEW.currency, NEW.issue_date, NEW.due_date,
           NEW.credit_of_id, NEW.levy_rate, NEW.total_net, NEW.total_vat, NEW.total_gross, NEW.levy_amount,
           NEW.client_name)
          IS DISTINCT FROM
          (OLD.kind, OLD.number, OLD.activity_id, OLD.client_id, OLD.currency, OLD.issue_date, OLD.due_date,
           OLD.credit_of_id, OLD.levy_rate, OLD.total_net, OLD.total_vat, OLD.total_gross, OLD.levy_amount,
           OLD.client_name)
    THEN
        RAISE EXCEPTION 'issued document % cannot be edited: issue a credit note', OLD.number
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER billing_invoice_frozen BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW EXECUTE FUNCTION billing_issued_invoice_frozen();

CREATE OR REPLACE FUNCTION billing_issued_lines_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    invoice_status text;
BEGIN
    EXECUTE format('SELECT status FROM %I.billing_invoice WHERE id = $1', TG_TABLE_SCHEMA)
        INTO invoice_status USING CASE WHEN TG_OP = 'INSERT' THEN NEW.invoice_id ELSE OLD.invoice_id END;
    IF invoice_status IS NOT NULL AND invoice_status <> 'draft' THEN
        RAISE EXCEPTION 'the lines of an issued document cannot change: issue a credit note'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;

CREATE TRIGGER billing_invoiceline_frozen BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION billing_issued_lines_frozen();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS billing_invoiceline_frozen ON billing_invoiceline;
DROP TRIGGER IF EXISTS billing_invoice_frozen ON billing_invoice;
DROP FUNCTION IF EXISTS billing_issued_lines_frozen();
DROP FUNCTION IF EXISTS billing_issued_invoice_frozen();
"""


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
