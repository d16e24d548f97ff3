"""Announce every change of the registry to the routing caches of all processes.

``pg_notify`` inside a transaction is delivered when (and only if) it commits, so listeners never
see a change that was rolled back, and never miss one made outside the application's services.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION entities_routing_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('platform_routing', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER entities_entity_routing_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entities_entity
    FOR EACH STATEMENT EXECUTE FUNCTION entities_routing_notify();

CREATE TRIGGER entities_domain_routing_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON entities_domain
    FOR EACH STATEMENT EXECUTE FUNCTION entities_routing_notify();
"""

REVERSE = """
DROP TRIGGER IF EXISTS entities_domain_routing_notify ON entities_domain;
DROP TRIGGER IF EXISTS entities_entity_routing_notify ON entities_entity;
DROP FUNCTION IF EXISTS entities_routing_notify();
"""


class Migration(migrations.Migration):
    dependencies = [("entities", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
