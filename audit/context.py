"""Who is acting, told to PostgreSQL so that the audit triggers can record it.

A request (``AuditContextMiddleware``) or a task (Celery signals) binds an actor and a request id to
the current context. Before the first *writing* statement of that context on a connection, the
connection sends ``set_config('audit.actor', ...)`` and ``set_config('audit.request_id', ...)``;
reads cost nothing. At the end of the request or task the settings are cleared again if they were
sent, so that a later write on the same connection outside any context (a command, a shell) is not
attributed to someone else (the triggers then record the database user)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any

from django.db.backends.signals import connection_created

Actor = str | Callable[[], str]  # resolved only when a write needs it (reads never touch the session)
Context = tuple[Actor, str]  # actor, request id
_current: ContextVar[Context | None] = ContextVar("audit_context", default=None)
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|COPY|WITH|MERGE|TRUNCATE)\b", re.IGNORECASE)
_SET = "SELECT set_config('audit.actor', %s, false), set_config('audit.request_id', %s, false)"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id_from(header: str | None) -> str:
    """The caller's ``X-Request-ID`` when it is a sane token, else a fresh one."""
    if header and _REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def bind(actor: Actor, request_id: str) -> Token[Context | None]:
    return _current.set((actor, request_id[:64]))


def _values(context: Context) -> list[str]:
    actor, request_id = context
    return [(actor() if callable(actor) else actor)[:200], request_id]


def unbind(token: Token[Context | None]) -> None:
    from django.db import connections

    _current.reset(token)
    for wrapper in connections.all(initialized_only=True):
        connection: Any = wrapper  # carries ``audit_sent``, set by _on_connection
        if getattr(connection, "audit_sent", None) is not None and connection.connection is not None:
            # Cleared outside any transaction the request may have left open (it cannot have: the
            # request and task ends close or commit them), so the reset sticks.
            connection.audit_sent = None
            with connection.cursor() as cursor:
                cursor.execute(_SET, ["", ""])


def send_now(connection: Any) -> None:
    """Send the current context on ``connection`` (for raw writes that bypass the wrapper: COPY)."""
    context = _current.get()
    if context is not None and getattr(connection, "audit_sent", None) != context:
        values = _values(context)
        with connection.cursor() as cursor:
            cursor.execute(_SET, values)
        connection.audit_sent = context


def _wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    current = _current.get()
    if current is not None and _WRITE.match(sql):
        connection: Any = context["connection"]
        if getattr(connection, "audit_sent", None) != current:
            values = _values(current)  # may read the session: a SELECT, which sends nothing
            connection.audit_sent = current
            context["cursor"].execute(_SET, values)
    return execute(sql, params, many, context)


def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    connection.audit_sent = None  # a new server session knows nothing yet
    if _wrapper not in connection.execute_wrappers:
        connection.execute_wrappers.append(_wrapper)


def install() -> None:
    connection_created.connect(_on_connection, dispatch_uid="audit_context")
    from celery.signals import task_postrun, task_prerun

    tokens: dict[str, Token[Context | None]] = {}

    def prerun(task_id: str = "", task: Any = None, **_: Any) -> None:
        tokens[task_id] = bind(f"task:{getattr(task, 'name', '?')}", task_id)

    def postrun(task_id: str = "", **_: Any) -> None:
        token = tokens.pop(task_id, None)
        if token is not None:
            unbind(token)

    task_prerun.connect(prerun, dispatch_uid="audit_task_prerun", weak=False)
    task_postrun.connect(postrun, dispatch_uid="audit_task_postrun", weak=False)
