"""The application's database role: it reads and writes rows, and nothing more.

Production runs with two roles (docs/operations.md, "Database roles"):

* the **owner** (``DATABASE_OWNER_URL``): owns every schema, table and sequence; migrations and entity
  provisioning run as it;
* the **application** role (``DATABASE_URL`` of web and workers): not a superuser, owns nothing, may
  SELECT/INSERT/UPDATE/DELETE the tables and use their sequences. It cannot ALTER, DROP or TRUNCATE a
  table, create a schema or a table, or disable a trigger (the ledgers' immutability), because all of
  these need ownership; and it is subject to row-level security, which owners and superusers bypass.

``roles_apply`` makes an existing database so, idempotently, connected as the owner (or a superuser):
it creates the application role if missing, grants on every existing schema, and sets the owner's
default privileges so that schemas and tables created later (new entities, new migrations) get the
same grants without anyone running it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql

from config.db import connection

TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_PRIVILEGES = "USAGE, SELECT"


@dataclass(frozen=True)
class RolesReport:
    owner: str
    app: str
    created: bool
    schemas: int
    app_is_superuser: bool
    app_owned_relations: int


def _schemas(cursor) -> list[str]:  # type: ignore[no-untyped-def]
    cursor.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' "
        "ORDER BY nspname"
    )
    return [row[0] for row in cursor.fetchall()]


def roles_apply(*, app_role: str, app_password: str | None = None) -> RolesReport:
    """Create or update ``app_role`` and its grants. Run connected as the owner role (it becomes the
    role whose future objects are granted) or as a superuser acting for the owner of the schemas."""
    app = sql.Identifier(app_role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_database()")
        owner_name, database = cursor.fetchone()
        if owner_name == app_role:
            raise ValueError("The application role must not be the role running this (the owner).")
        owner = sql.Identifier(owner_name)
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
        row = cursor.fetchone()
        created = row is None
        if created:
            cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(app))
        cursor.execute(
            sql.SQL("ALTER ROLE {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS").format(app)
        )
        if app_password is not None:
            cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(app, sql.Literal(app_password)))
        cursor.execute(sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(sql.Identifier(database), app))
        schemas = _schemas(cursor)
        for name in schemas:
            schema = sql.Identifier(name)
            cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, app))
            cursor.execute(sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(schema, app))
            cursor.execute(
                sql.SQL("GRANT " + TABLE_PRIVILEGES + " ON ALL TABLES IN SCHEMA {} TO {}").format(schema, app)
            )
            cursor.execute(
                sql.SQL("GRANT " + SEQUENCE_PRIVILEGES + " ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, app)
            )
            cursor.execute(
                "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relname = 'django_migrations'",
                [name],
            )
            if cursor.fetchone():
                # The record of applied migrations is the owner's alone.
                cursor.execute(
                    sql.SQL("REVOKE INSERT, UPDATE, DELETE ON {}.django_migrations FROM {}").format(schema, app)
                )
        # What the owner creates later: new entity schemas, their tables, new migrations' tables.
        cursor.execute(sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} GRANT USAGE ON SCHEMAS TO {}").format(owner, app))
        cursor.execute(
            sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} GRANT " + TABLE_PRIVILEGES + " ON TABLES TO {}").format(
                owner, app
            )
        )
        cursor.execute(
            sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} GRANT " + SEQUENCE_PRIVILEGES + " ON SEQUENCES TO {}").format(
                owner, app
            )
        )
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
        is_super = bool(cursor.fetchone()[0])
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s",
            [app_role],
        )
        owned = int(cursor.fetchone()[0])
    return RolesReport(
        owner=owner_name,
        app=app_role,
        created=created,
        schemas=len(schemas),
        app_is_superuser=is_super,
        app_owned_relations=owned,
    )
