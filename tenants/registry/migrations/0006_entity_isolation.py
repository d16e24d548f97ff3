"""Row-level security on the tables that carry an entity id (shared_services/rls.py).

The entities' lifecycle events: an entity's context sees its own."""

from django.db import migrations

from shared_services.rls import entity_isolation


class Migration(migrations.Migration):
    dependencies = [("entities", "0005_fleet_migrations_diff")]

    operations = [
        entity_isolation("entities_entityevent"),
    ]
