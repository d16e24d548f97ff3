"""Row-level security on the tables that carry an entity id (shared_services/rls.py).

The fund's movements, limits and snapshots: an entity sees its own; the payout decision's group-wide
figures (the fund's cash, the limits) are read under ``dangerously_all_entities()``."""

from django.db import migrations

from shared_services.rls import entity_isolation


class Migration(migrations.Migration):
    dependencies = [("guarantee", "0002_policy_data")]

    operations = [
        entity_isolation("guarantee_fundmovement"),
        entity_isolation("guarantee_fundlimit"),
        entity_isolation("guarantee_exposuresnapshot"),
    ]
