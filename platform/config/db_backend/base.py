"""django-tenants' PostgreSQL backend, sending ``SET search_path`` only when the path changes.

Stock django-tenants forgets the path on every ``set_tenant()``, so every request pays one
``SET search_path`` round trip even when the connection already points at the right schema (and
requests start and end on ``public``, which would otherwise cost a SET each time too). Here the
wrapper also remembers what the *server* has (``_server_search_path``) and, on ``set_tenant()``, keeps
skipping the SET when the new path equals it.

The server-side value is forgotten whenever PostgreSQL may have reverted or dropped it: connection
close, transaction rollback and rollback to a savepoint (``SET`` is transactional), so after any of
those the next query sends the SET again.
"""

from __future__ import annotations

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


class DatabaseWrapper(TenantDatabaseWrapper):
    _server_search_path: list[str] | None = None

    def set_tenant(self, tenant, include_public=True):  # type: ignore[no-untyped-def]
        super().set_tenant(tenant, include_public)
        server = self._server_search_path
        if server is not None and server == self._get_cursor_search_paths():
            self.search_path_set_schemas = server

    def _handle_search_path(self, cursor=None):  # type: ignore[no-untyped-def]
        super()._handle_search_path(cursor)
        if self.search_path_set_schemas is not None:
            self._server_search_path = list(self.search_path_set_schemas)
        elif not self._setting_search_path:
            self._server_search_path = None

    def close(self):  # type: ignore[no-untyped-def]
        self._server_search_path = None
        super().close()

    def rollback(self):  # type: ignore[no-untyped-def]
        self._server_search_path = None
        super().rollback()

    def savepoint_rollback(self, sid):  # type: ignore[no-untyped-def]
        try:
            super().savepoint_rollback(sid)
        finally:
            self._server_search_path = None
