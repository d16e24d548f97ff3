"""Typed readers for environment variables.

Every reader fails at start-up with a message that names the variable and says what was expected,
so a bad deployment stops loudly instead of running with a half-understood value.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return default
    return value


def env_optional(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"Environment variable {name}={raw!r} is not a boolean (use 1/0, true/false).")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name}={raw!r} is not an integer.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"Environment variable {name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database_url(url: str, *, variable: str = "DATABASE_URL") -> dict[str, object]:
    """Turn ``postgres://user:pass@host:port/name?host=/socket/dir`` into a Django DATABASES entry.

    Only PostgreSQL is accepted: entities live in PostgreSQL schemas, which no other engine has.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(
            f"{variable} must be a postgres:// URL (entities need PostgreSQL schemas); "
            f"got scheme {parts.scheme or '(none)'!r}."
        )
    name = unquote(parts.path.lstrip("/"))
    if not name or "/" in name:
        raise ImproperlyConfigured(f"{variable} must name one database in its path, like postgres://host/dbname.")
    query = parse_qs(parts.query)
    host = unquote(parts.hostname or "") or (query.get("host", [""])[0])
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{variable} has an invalid port.") from None
    options: dict[str, str] = {}
    if "sslmode" in query:
        options["sslmode"] = query["sslmode"][0]
    return {
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(port or ""),
        "OPTIONS": options,
    }


def check_broker_url(url: str, *, variable: str = "CELERY_BROKER_URL") -> str:
    scheme = urlsplit(url).scheme
    if scheme not in {"redis", "rediss", "amqp", "amqps", "pyamqp", "valkey"}:
        raise ImproperlyConfigured(
            f"{variable} must be a redis://, valkey:// or amqp:// URL; got scheme {scheme or '(none)'!r}."
        )
    if scheme == "valkey":
        url = "redis" + url[len("valkey") :]
    return url
