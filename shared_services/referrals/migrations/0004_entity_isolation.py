"""Row-level security on the tables that carry an entity id (shared_services/rls.py)."""

from django.db import migrations

from shared_services.rls import entity_isolation


class Migration(migrations.Migration):
    dependencies = [("referrals", "0003_webhooks")]

    operations = [
        entity_isolation("referrals_referral"),
    ]
