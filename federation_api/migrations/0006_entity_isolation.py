"""Row-level security on the tables that carry an entity id (shared_services/rls.py).

The federation's read model: a drain or a census, run in its entity's schema, writes that entity's rows
only; the group domain and public tasks read every entity."""

from django.db import migrations

from shared_services.rls import entity_isolation


class Migration(migrations.Migration):
    dependencies = [("federation_api", "0005_membership_and_jobs")]

    operations = [
        entity_isolation("federation_api_fact"),
        entity_isolation("federation_api_memberfact"),
        entity_isolation("federation_api_appliedevent"),
        entity_isolation("federation_api_drainstate"),
        entity_isolation("federation_api_dashboardjob"),
        entity_isolation("federation_api_provisioningrequest"),
    ]
