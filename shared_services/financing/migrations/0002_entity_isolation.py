"""Row-level security on the tables that carry an entity id (shared_services/rls.py)."""

from django.db import migrations

from shared_services.rls import entity_isolation


class Migration(migrations.Migration):
    dependencies = [("financing", "0001_initial")]

    operations = [
        entity_isolation("financing_subsidyadvance"),
        entity_isolation("financing_equipmentloan"),
    ]
