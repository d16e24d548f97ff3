"""A small pool of read-only connections for the federation's cross-entity reads.

Reading every entity through Django's one connection per process would leave that connection holding
the catalog caches of every table of every schema it ever touched (one connection that read all the
tables of 200 entities held 117 MB; bench/tenancy measures it again). This pool keeps its own
connections, apart from the request/worker connection, and **recycles** each one after it has served
``max_schemas`` distinct schemas (or ``max_uses`` reads), so that per-connection caches stay bounded.

No state crosses from one entity's read to the next on a pooled connection: each read is one
``READ ONLY`` transaction whose ``search_path`` is set with ``SET LOCAL``; the transaction is always
rolled back (undoing any ``SET`` made inside it) and followed by ``DISCARD ALL`` (prepared statements,
plans, advisory locks). tests/registry/test_pool.py interleaves two entities on one connection.

    with entity_reads.reading(entity.schema_name) as cursor:
        cursor.execute("SELECT count(*) FROM members_member")
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql


@dataclass
class _Pooled:
    connection: psycopg.Connection[Any]
    schemas: set[str] = field(default_factory=set)
    uses: int = 0


def _conninfo() -> dict[str, Any]:
    from django.db import connections

    db = connections["default"].settings_dict
    info: dict[str, Any] = {"dbname": db["NAME"], "user": db.get("USER") or None}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("PASSWORD", "password")):
        if db.get(key):
            info[name] = db[key]
    return {k: v for k, v in info.items() if v is not None}


class EntityReadPool:
    def __init__(self, *, size: int = 2, max_schemas: int = 25, max_uses: int = 1000) -> None:
        self.size = size
        self.max_schemas = max_schemas
        self.max_uses = max_uses
        self._idle: list[_Pooled] = []
        self._open = 0
        self._lock = threading.Condition()
        self.recycled = 0  # connections closed because they had served enough schemas or reads

    def _checkout(self) -> _Pooled:
        with self._lock:
            while not self._idle and self._open >= self.size:
                self._lock.wait()
            if self._idle:
                return self._idle.pop()
            self._open += 1
        try:
            connection = psycopg.connect(**_conninfo(), autocommit=True)
        except Exception:
            with self._lock:
                self._open -= 1
                self._lock.notify()
            raise
        return _Pooled(connection)

    def _checkin(self, pooled: _Pooled, *, broken: bool) -> None:
        recycle = broken or len(pooled.schemas) >= self.max_schemas or pooled.uses >= self.max_uses
        if recycle:
            pooled.connection.close()
        with self._lock:
            if recycle:
                self._open -= 1
                self.recycled += not broken
            else:
                self._idle.append(pooled)
            self._lock.notify()

    @contextmanager
    def reading(self, schema_name: str) -> Iterator[psycopg.Cursor[Any]]:
        """A cursor reading ``schema_name`` (then ``public``), in one read-only transaction."""
        pooled = self._checkout()
        broken = True
        try:
            conn = pooled.connection
            with conn.cursor() as cursor:
                cursor.execute("BEGIN READ ONLY")
                cursor.execute(sql.SQL("SET LOCAL search_path = {}, public").format(sql.Identifier(schema_name)))
                yield cursor
            broken = False
        finally:
            try:
                # Ends the transaction (SET LOCAL and any SET inside go), then drops what a rollback
                # keeps: prepared statements, cached plans, advisory locks, LISTEN.
                pooled.connection.execute("ROLLBACK")
                pooled.connection.execute("DISCARD ALL")
            except psycopg.Error:
                broken = True
            pooled.uses += 1
            pooled.schemas.add(schema_name)
            self._checkin(pooled, broken=broken or pooled.connection.closed)

    def close(self) -> None:
        with self._lock:
            for pooled in self._idle:
                pooled.connection.close()
            self._open -= len(self._idle)
            self._idle.clear()


# The federation's pool (group-wide reports, consolidation checks).
entity_reads = EntityReadPool()
