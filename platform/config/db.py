"""The default connection, typed as the tenant-aware wrapper it is (``schema_name``, ``set_tenant``...).

Same object as ``django.db.connection``; only the static type differs, so mypy checks the calls.
"""

from typing import cast

from django.db import connection as _connection

from config.db_backend.base import DatabaseWrapper

connection = cast(DatabaseWrapper, _connection)

__all__ = ["connection"]
