"""Host name -> entity, from an in-process cache kept fresh by PostgreSQL notifications.

Stock django-tenants reads the domain table on every request. Here each process keeps a dictionary
of the hosts it has seen and drops all of it when the registry changes. Changes are announced by
triggers on the entity and domain tables (``pg_notify('platform_routing')``, delivered only when the
writing transaction commits, whoever wrote: a service, the admin or raw SQL). A daemon thread per
process LISTENs on its own connection. While it is not listening (starting, or its connection lost),
nothing is cached and every request reads the table, so a missed notification can never serve a
stale entity.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
from typing import Any

from django.conf import settings
from django.db import connections

from .models import Domain, Entity

logger = logging.getLogger(__name__)

CHANNEL = "platform_routing"


def normalize_host(host: str) -> str:
    return host.split(":", 1)[0].strip().rstrip(".").lower()


class RoutingCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hosts: dict[str, Entity] = {}
        self._generation = 0
        self._pid: int | None = None
        self._listening = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lookups -----------------------------------------------------------------------------------
    def resolve(self, host: str) -> Entity | None:
        """The entity answering on ``host``, or None. Returns a private copy the caller may keep."""
        host = normalize_host(host)
        if not settings.ROUTING_CACHE_ENABLED:
            return self._load(host)
        self._ensure_listener()
        if not self._listening.is_set():
            return self._load(host)
        entity = self._hosts.get(host)
        if entity is None:
            generation = self._generation
            entity = self._load(host)
            if entity is None:
                return None
            with self._lock:
                # A notification that arrived while we were reading may describe a change our read
                # did not see: only keep the row if nothing was announced meanwhile.
                if generation == self._generation:
                    self._hosts[host] = entity
        return copy.copy(entity)

    @staticmethod
    def _load(host: str) -> Entity | None:
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        return domain.tenant if domain is not None else None

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._hosts.clear()

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def cached_hosts(self) -> list[str]:
        return sorted(self._hosts)

    # -- listener ----------------------------------------------------------------------------------
    def _ensure_listener(self) -> None:
        pid = os.getpid()
        if self._pid == pid and self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._pid == pid and self._thread is not None and self._thread.is_alive():
                return
            # New process (fork) or dead thread: start from nothing.
            self._pid = pid
            self._hosts.clear()
            self._generation += 1
            self._listening.clear()
            self._stop.clear()
            params = _connection_params()
            self._thread = threading.Thread(
                target=self._listen, args=(params,), name="routing-cache-listener", daemon=True
            )
            self._thread.start()

    def wait_until_listening(self, timeout: float = 5.0) -> bool:
        self._ensure_listener()
        return self._listening.wait(timeout)

    def stop(self) -> None:
        """Stop the listener (tests call it before dropping their database)."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=5)
        self._thread = None
        self._listening.clear()
        self.invalidate()

    def _listen(self, params: dict[str, Any]) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(**params, autocommit=True, application_name="routing-cache") as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    # Anything may have changed while nobody listened.
                    self.invalidate()
                    self._listening.set()
                    while not self._stop.is_set():
                        for _notice in conn.notifies(timeout=0.5):
                            self.invalidate()
                        # Cheap liveness check: raises if the server went away.
                        conn.execute("SELECT 1")
            except Exception:  # connection lost: fall back to uncached lookups, then reconnect
                if self._listening.is_set():
                    logger.warning("routing cache listener lost its connection; lookups uncached", exc_info=True)
                self._listening.clear()
                self.invalidate()
                self._stop.wait(1.0)
        self._listening.clear()


def _connection_params() -> dict[str, Any]:
    settings_dict = connections["default"].settings_dict
    params: dict[str, Any] = {"dbname": settings_dict["NAME"]}
    for key, param in (("USER", "user"), ("PASSWORD", "password"), ("HOST", "host"), ("PORT", "port")):
        if settings_dict.get(key):
            params[param] = settings_dict[key]
    params.update({k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if k in {"sslmode"}})
    return params


routing_cache = RoutingCache()
