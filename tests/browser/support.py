"""What the browser tests share: Debian's chromium, a free port, ``manage.py runserver`` on the test
database in a subprocess, and a chromium launched through Playwright."""

from __future__ import annotations

import http.client
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers(port: int, host: str) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/accounts/login/", headers={"Host": host})
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def runserver(host_name: str, **env: str) -> Iterator[int]:
    """``manage.py runserver`` on the test database (test settings, ``env`` added), serving until the
    block ends; yields its port once ``host_name`` answers."""
    from tests.conftest import PROJECT_DIR, subprocess_env

    port = free_port()
    (PROJECT_DIR / "var").mkdir(exist_ok=True)
    log_path = PROJECT_DIR / "var" / f"test-browser-server-{port}.log"
    log = open(log_path, "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=subprocess_env(DJANGO_SETTINGS_MODULE="config.settings.test", **env),
        cwd=PROJECT_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not answers(port, f"{host_name}:{port}"):
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            log.close()
            raise RuntimeError(f"runserver did not start; see {log_path}")
        time.sleep(0.2)
    try:
        yield port
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        log_path.unlink(missing_ok=True)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless chromium (Playwright's sync API). Start it after the test's database work: Playwright
    runs an event loop in this thread, and Django refuses database calls from such a thread."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
