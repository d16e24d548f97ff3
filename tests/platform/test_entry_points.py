"""`platform/` is a folder, not a package: the standard library's `platform` must work everywhere."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ..conftest import PROJECT_DIR, subprocess_env

STDLIB_CHECK = "import uuid, platform; assert hasattr(platform, 'system'); print('stdlib-platform', platform.system())"


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=PROJECT_DIR, env=subprocess_env(**env), capture_output=True, text=True, timeout=120)


def test_in_pytest():
    import platform
    import uuid

    assert uuid.uuid4().version == 4
    assert platform.system()
    assert platform.__file__.startswith(sys.base_prefix) or "lib/python" in platform.__file__


@pytest.mark.django_db
def test_from_manage_py(group):
    result = _run([sys.executable, "manage.py", "shell", "-c", STDLIB_CHECK])
    assert result.returncode == 0, result.stderr
    assert "stdlib-platform" in result.stdout


@pytest.mark.django_db
def test_from_wsgi_and_asgi(group):
    for module in ("config.wsgi", "config.asgi"):
        code = f"import sys; sys.path.insert(0, 'platform'); import {module} as m; assert m.application; {STDLIB_CHECK}"
        result = _run([sys.executable, "-c", code], DJANGO_SETTINGS_MODULE="config.settings.test")
        assert result.returncode == 0, result.stderr
        assert "stdlib-platform" in result.stdout


@pytest.mark.worker
def test_inside_a_celery_worker(group, celery_worker_process):
    from tenants.registry.tasks import connection_report

    report = connection_report.apply_async().get(timeout=20)
    import platform

    assert report["system"] == platform.system()


def test_from_the_celery_command(group):
    result = _run([sys.executable, "-m", "celery", "-A", "config.celery", "inspect", "--help"])
    assert result.returncode == 0, result.stderr
