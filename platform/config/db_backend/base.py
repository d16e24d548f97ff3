"""django-tenants' PostgreSQL backend, sending ``SET search_path`` only when the path changes.

Stock django-tenants forgets the path on every ``set_tenant()``, so every request pays one
``SET search_path`` round trip even when the connection already points at the right schema (and
requests start and end on ``public``, which would otherwise cost a SET each time too). Here the
wrapper also remembers what the *server* has (``_server_search_path``) and, on ``set_tenant()``, keeps
skipping the SET when the new path equals it.

The server-side value is forgotten whenever PostgreSQL may have reverted or dropped it: connection
close, transaction rollback and rollback to a savepoint (``SET`` is transactional), so after any of
those the next query sends the SET again.

The same statement sets ``app.entity_id``: the current entity's id on an entity's schema, empty on
``public``. Row-level security on the public tables that carry an entity id keys on it
(``shared_services/rls.py``), so a request on entity A cannot read or write entity B's rows there even
through a buggy query. Both travel together, so they can never disagree, and it costs no extra statement.
"""

from __future__ import annotations

import django.db.utils
import psycopg
from django.core.exceptions import ImproperlyConfigured
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.postgresql_backend.base import quote_schema_name
from django_tenants.utils import get_limit_set_calls

ENTITY_SETTING = "app.entity_id"


class DatabaseWrapper(TenantDatabaseWrapper):
    _server_search_path: list[str] | None = None
    _server_entity_id: str | None = None
    _setting_search_path: bool
    search_path_set_schemas: list[str] | None

    def set_tenant(self, tenant, include_public=True):  # type: ignore[no-untyped-def]
        super().set_tenant(tenant, include_public)
        server = self._server_search_path
        if (
            server is not None
            and server == self._get_cursor_search_paths()
            and self._server_entity_id == self._entity_id()
        ):
            self.search_path_set_schemas = server

    def _entity_id(self) -> str:
        """The id the row-level security policies compare with: only a real entity (set_tenant with a
        registry row) has one; public, the template and bare schema_context() have none."""
        if self.schema_name == "public":
            return ""
        pk = getattr(self.tenant, "pk", None)
        return str(int(pk)) if pk is not None else ""

    def _set_search_path(self, cursor=None):  # type: ignore[no-untyped-def]
        """django-tenants' ``_handle_search_path`` with ``app.entity_id`` set in the same statement."""
        if self._setting_search_path:
            return
        if get_limit_set_calls() and self.search_path_set_schemas:
            return
        if not self.schema_name:
            raise ImproperlyConfigured("Database schema not set. Did you forget to call set_schema() or set_tenant()?")
        search_paths = self._get_cursor_search_paths()
        self._setting_search_path = True
        cursor_for_search_path = self.connection.cursor() if cursor is None else cursor
        try:
            formatted = ",".join(quote_schema_name(s) for s in search_paths)
            cursor_for_search_path.execute(
                f"SET search_path = {formatted}; SET {ENTITY_SETTING} = '{self._entity_id()}'"
            )
        except (django.db.utils.DatabaseError, psycopg.InternalError):
            self.search_path_set_schemas = None
        else:
            self.search_path_set_schemas = search_paths
            self._server_entity_id = self._entity_id()
        finally:
            self._setting_search_path = False
            if cursor is None:
                cursor_for_search_path.close()

    def _handle_search_path(self, cursor=None):  # type: ignore[no-untyped-def]
        self._set_search_path(cursor)
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
