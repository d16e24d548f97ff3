"""Row-level security on the public tables that carry an entity id.

While the connection is on an entity's schema, ``app.entity_id`` holds that entity's id (set with the
search_path by ``config.db_backend``); on ``public`` it is empty. The policy lets a row through when the
setting is empty (the group domain, public tasks: every entity) or when the row's ``entity_id`` equals
it, for reads and writes alike: on entity A's subdomain even a query that forgot its
``filter(entity=request.entity)`` sees and writes A's rows only.

It binds the application role (docs/operations.md, "Database roles"): the owner and superusers bypass
row-level security (no ``FORCE``), so migrations and provisioning are unaffected. Entity-side paths
that need group-wide figures (the fund's and the pools' cash, the limits, group-wide numbering) lift it
for their transaction with ``config.db.dangerously_all_entities()``: see docs/operations.md.
"""

from __future__ import annotations

from django.db import migrations

POLICY = "entity_isolation"
# NULLIF on both sides: PostgreSQL may evaluate either side of an OR first, and '' is no bigint.
_SETTING = "NULLIF(current_setting('app.entity_id', true), '')::bigint"
_CONDITION = f"{_SETTING} IS NULL OR entity_id = {_SETTING}"


def entity_isolation(table: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        sql=[
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY {POLICY} ON {table} USING ({_CONDITION}) WITH CHECK ({_CONDITION})",
        ],
        reverse_sql=[
            f"DROP POLICY IF EXISTS {POLICY} ON {table}",
            f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
        ],
    )
