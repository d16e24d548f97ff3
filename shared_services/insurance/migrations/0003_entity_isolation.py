"""Row-level security on the tables that carry an entity id (shared_services/rls.py)."""

from django.db import migrations

from shared_services.rls import entity_isolation


class Migration(migrations.Migration):
    dependencies = [("insurance", "0002_group_policies")]

    operations = [
        entity_isolation("insurance_coverage"),
        entity_isolation("insurance_claim"),
    ]
