"""Pieces every benchmark shares: its own database, statement counting, a timed rate."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit


def with_database(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` on the same server."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def create_database(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def statements_per_call(action: Callable[[], object], calls: int) -> float:
    """SQL statements ``action`` sends on the default connection, on average over ``calls`` calls."""
    from django.db import connection

    statements = 0

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        for _ in range(calls):
            action()
    return statements / calls


def rate(action: Callable[[], object], seconds: float, batch: int) -> float:
    """Calls per second of ``action`` over about ``seconds`` (checked every ``batch`` calls)."""
    done = 0
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        for _ in range(batch):
            action()
        done += batch
    return done / (time.perf_counter() - started)
