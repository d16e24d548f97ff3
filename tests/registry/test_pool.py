"""The cross-entity read pool: two entities interleaved on one pooled connection leak nothing, and
connections are recycled after a bounded number of schemas."""

from __future__ import annotations

import pytest

from tenants.registry.pool import EntityReadPool

pytestmark = pytest.mark.django_db


def _names(cursor) -> set[str]:  # type: ignore[no-untyped-def]
    cursor.execute("SELECT first_name FROM members_member")
    return {row[0] for row in cursor.fetchall()}


def _one(cursor, query: str):  # type: ignore[no-untyped-def]
    cursor.execute(query)
    return cursor.fetchone()[0]


def _pid(cursor) -> int:  # type: ignore[no-untyped-def]
    cursor.execute("SELECT pg_backend_pid()")
    return int(cursor.fetchone()[0])


def test_two_entities_interleaved_on_one_connection_leak_nothing(group):
    pool = EntityReadPool(size=1, max_schemas=10)
    alpha, beta = group.alpha, group.beta
    try:
        with pool.reading(alpha.entity.schema_name) as cursor:
            pid = _pid(cursor)
            assert f"{alpha.canary}M" in _names(cursor)
            # Whatever the reader does to its session stays inside the (rolled back) transaction.
            cursor.execute(f'SET search_path = "{alpha.entity.schema_name}"')
            cursor.execute("PREPARE leaked AS SELECT first_name FROM members_member")
            cursor.execute("SET statement_timeout = '1ms'")
        with pool.reading(beta.entity.schema_name) as cursor:
            assert _pid(cursor) == pid  # the same pooled connection
            names = _names(cursor)
            assert f"{beta.canary}M" in names
            assert not any(alpha.canary in name for name in names)
            assert _one(cursor, "SHOW search_path") == f"{beta.entity.schema_name}, public"
            assert _one(cursor, "SHOW statement_timeout") == "0"
            assert _one(cursor, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'leaked'") == 0
        with pool.reading(alpha.entity.schema_name) as cursor:
            assert _pid(cursor) == pid
            names = _names(cursor)
            assert f"{alpha.canary}M" in names and not any(beta.canary in name for name in names)
    finally:
        pool.close()


def test_reads_are_read_only(group):
    from psycopg import errors

    pool = EntityReadPool(size=1)
    try:
        with pytest.raises(errors.ReadOnlySqlTransaction), pool.reading(group.alpha.entity.schema_name) as cursor:
            cursor.execute("UPDATE members_member SET first_name = 'x'")
        with pool.reading(group.alpha.entity.schema_name) as cursor:  # the pool goes on after the error
            assert f"{group.alpha.canary}M" in _names(cursor)
    finally:
        pool.close()


def test_connections_are_recycled_after_max_schemas(group):
    pool = EntityReadPool(size=1, max_schemas=2)
    schemas = [p.entity.schema_name for p in group.all]
    try:
        pids = []
        for schema in schemas:
            with pool.reading(schema) as cursor:
                pids.append(_pid(cursor))
        assert pids[0] == pids[1] != pids[2]  # closed after its 2nd schema: caches bounded
        assert pool.recycled == 1
    finally:
        pool.close()
