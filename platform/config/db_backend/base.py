"""django-tenants' PostgreSQL backend, sending ``SET search_path`` only when the path changes.

Stock django-tenants forgets the path it set on every ``set_tenant()``, so every request pays one
``SET search_path`` round trip even when the connection already points at the right schema. Here the
wrapper remembers what the *server* has (``search_path_set_schemas``) and keeps it across
``set_tenant()`` when the new path is the same. The server-side truth is lost, and the memory cleared,
whenever PostgreSQL may have reverted or dropped it: connection close, transaction rollback and
rollback to a savepoint (a ``SET`` is transactional), all handled by the parent class.
"""

from __future__ import annotations

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


class DatabaseWrapper(TenantDatabaseWrapper):
    def set_tenant(self, tenant, include_public=True):  # type: ignore[no-untyped-def]
        applied = self.search_path_set_schemas
        super().set_tenant(tenant, include_public)
        if applied is not None and applied == self._get_cursor_search_paths():
            # The server already has exactly this path: keep skipping the SET.
            self.search_path_set_schemas = applied
