"""Each journal line keeps the stage its activity was in when the line was posted (the analytic
snapshot the outbox event already carried), so that the group's consolidation can be rebuilt from the
books in one set-based pass. Lines posted before this migration get the stage their outbox event
recorded; the immutability trigger is set aside for that one backfill, inside this migration's
transaction, and put back before it commits."""

from django.db import migrations, models

# IF NOT EXISTS: re-applying this migration to a schema that already has it changes nothing (the fleet
# tests put schemas behind by deleting migration records).
ADD_COLUMN = "ALTER TABLE ledger_journalline ADD COLUMN IF NOT EXISTS activity_stage varchar(40) NOT NULL DEFAULT ''"
BACKFILL = r"""
ALTER TABLE ledger_journalline DISABLE TRIGGER ledger_line_immutable;
UPDATE ledger_journalline l
   SET activity_stage = s.stage
  FROM (
    SELECT DISTINCT ON (e.id, a.id) e.id AS entry_id, a.id AS activity_id, pl->>'activity_stage' AS stage
      FROM ledger_outboxevent o
      JOIN ledger_journalentry e ON e.public_id = (o.payload->>'entry')::uuid
      CROSS JOIN LATERAL jsonb_array_elements(o.payload->'lines') pl
      JOIN activities_activity a ON a.public_id = (pl->>'activity')::uuid
     WHERE o.kind = 'ledger.entry_posted' AND pl->>'activity' IS NOT NULL AND pl->>'activity_stage' IS NOT NULL
  ) s
 WHERE l.entry_id = s.entry_id AND l.activity_id = s.activity_id;
ALTER TABLE ledger_journalline ENABLE TRIGGER ledger_line_immutable;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_service_accounts"),
        ("activities", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(ADD_COLUMN, "ALTER TABLE ledger_journalline DROP COLUMN activity_stage")
            ],
            state_operations=[
                migrations.AddField(
                    model_name="journalline",
                    name="activity_stage",
                    field=models.CharField(
                        blank=True, db_default="", default="", max_length=40, verbose_name="activity stage when posted"
                    ),
                ),
            ],
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
