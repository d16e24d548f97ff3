"""The default connection, typed as the tenant-aware wrapper it is (``schema_name``, ``set_tenant``...).

Same object as ``django.db.connection``; only the static type differs, so mypy checks the calls.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from django.conf import settings
from django.db import connection as _connection

from config.db_backend.base import DatabaseWrapper

connection = cast(DatabaseWrapper, _connection)


@contextmanager
def as_owner() -> Iterator[None]:
    """Run the block on the default connection logged in as the database owner role
    (``DATABASE_OWNER_URL``): what creates schemas and tables at run time (entity provisioning) does it
    as the role that owns them, while the application otherwise connects as a role that owns nothing
    (docs/operations.md, "Database roles").

    Without ``DATABASE_OWNER_URL`` one role does both and this does nothing. With it, the block must
    start outside any transaction: the connection is closed, reopened with the owner's credentials, and
    closed again at the end, so nothing of the block's session (role, search_path) outlives it."""
    owner = settings.DATABASE_OWNER
    if not owner:
        yield
        return
    if _connection.in_atomic_block:
        raise RuntimeError("as_owner() must start outside a transaction: it reconnects.")
    saved = {key: _connection.settings_dict.get(key) for key in owner}
    _connection.close()
    _connection.settings_dict.update(owner)
    try:
        yield
    finally:
        _connection.close()
        _connection.settings_dict.update(saved)


__all__ = ["as_owner", "connection", "dangerously_all_entities"]


@contextmanager
def dangerously_all_entities() -> Iterator[None]:
    """Lift the row-level security of the entity-keyed public tables (``shared_services/rls.py``) for a
    group-wide computation run from an entity's context, such as a sequence number shared by every
    entity. The block must run inside a transaction: the setting is changed for that transaction only
    (``set_config(..., true)``), so a rollback or the commit puts the entity's value back in any case,
    and it is restored at once when the block ends normally."""
    if not _connection.in_atomic_block:
        raise RuntimeError("dangerously_all_entities() must run inside a transaction.")
    with _connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.entity_id', true)")
        row = cursor.fetchone()
        cursor.execute("SELECT set_config('app.entity_id', '', true)")
    yield
    with _connection.cursor() as cursor:
        cursor.execute("SELECT set_config('app.entity_id', %s, true)", [(row[0] if row else None) or ""])
