"""Row-level security on the tables that carry an entity id (shared_services/rls.py)."""

from django.db import migrations

from shared_services.rls import entity_isolation


class Migration(migrations.Migration):
    dependencies = [("legal_aid", "0002_access_log_append_only")]

    operations = [
        entity_isolation("legal_aid_legalcase"),
    ]
