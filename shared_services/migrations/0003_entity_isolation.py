"""Row-level security on the tables that carry an entity id (shared_services/rls.py).

The pooled ledger: an entity's context sees and posts its own lines; the pools' cash, read before a
payout from an entity's context, is read under ``dangerously_all_entities()``."""

from django.db import migrations

from shared_services.rls import entity_isolation


class Migration(migrations.Migration):
    dependencies = [("shared_services", "0002_pool_integrity")]

    operations = [
        entity_isolation("shared_services_poolentry"),
        entity_isolation("shared_services_poolline"),
    ]
