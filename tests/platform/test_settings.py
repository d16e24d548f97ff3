"""Settings come from the environment; a bad value stops the process and names the variable."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import check_broker_url, env_bool, env_int, parse_database_url

from ..conftest import PROJECT_DIR, subprocess_env


def _check(settings_module: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings",
            settings_module,
        ],
        cwd=PROJECT_DIR,
        env=subprocess_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "mysql://root@localhost/db", "DATABASE_URL must be a postgres:// URL"),
        ("DATABASE_URL", "sqlite:///db.sqlite3", "DATABASE_URL must be a postgres:// URL"),
        ("DATABASE_URL", "postgres://localhost", "DATABASE_URL must name one database"),
        ("DATABASE_URL", "postgres://localhost:notaport/db", "DATABASE_URL has an invalid port"),
        ("CELERY_BROKER_URL", "sqs://queue", "CELERY_BROKER_URL must be a redis://"),
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG='maybe' is not a boolean"),
        ("DATABASE_CONN_MAX_AGE", "soon", "DATABASE_CONN_MAX_AGE='soon' is not an integer"),
        ("CACHE_URL", "memcached://x", "CACHE_URL must be"),
        ("PLATFORM_BASE_DOMAIN", "http://x", "PLATFORM_BASE_DOMAIN must be a bare host name"),
    ],
)
def test_a_bad_value_fails_at_start_naming_the_variable(variable, value, expected):
    result = _check("config.settings.dev", **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert expected in result.stderr


def test_production_settings_require_a_real_secret_key():
    result = _check("config.settings.prod", DJANGO_SECRET_KEY="short")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be a random value" in result.stderr


def test_production_settings_require_a_person_match_secret():
    result = _check("config.settings.prod", DJANGO_SECRET_KEY="k" * 10 + "0123456789abcdefghijABCDEFGHIJ-_!@#$%^&*()qw")
    assert result.returncode != 0
    assert "PERSON_MATCH_SECRET" in result.stderr


def test_production_settings_pass_check_deploy_with_no_warning():
    result = _check(
        "config.settings.prod",
        DJANGO_SECRET_KEY="k" * 10 + "0123456789abcdefghijABCDEFGHIJ-_!@#$%^&*()qwerty",
        PERSON_MATCH_SECRET="p" * 8 + "0123456789abcdefghijABCDEFGHIJ",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_env_readers():
    assert parse_database_url("postgresql://u:p%40ss@db.example:5433/smart?sslmode=require") == {
        "NAME": "smart",
        "USER": "u",
        "PASSWORD": "p@ss",
        "HOST": "db.example",
        "PORT": "5433",
        "OPTIONS": {"sslmode": "require"},
    }
    assert parse_database_url("postgresql://postgres@/smart?host=/run/pg")["HOST"] == "/run/pg"
    assert check_broker_url("valkey://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    assert check_broker_url("amqp://guest:guest@127.0.0.1:5672//").startswith("amqp://")


def test_env_readers_refuse_bad_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_INT", "-3")
    with pytest.raises(ImproperlyConfigured, match="X_INT=-3 must be at least 0"):
        env_int("X_INT", 1, minimum=0)


# ---- production takes its secrets from the environment only --------------------------------------

GOOD_SECRETS = {
    "DJANGO_SECRET_KEY": "k" * 10 + "0123456789abcdefghijABCDEFGHIJ-_!@#$%^&*()qwerty",
    "PERSON_MATCH_SECRET": "p" * 8 + "0123456789abcdefghijABCDEFGHIJ",
}


def _import_prod(drop: tuple[str, ...] = (), **env: str) -> subprocess.CompletedProcess[str]:
    environment = subprocess_env(**{**GOOD_SECRETS, **env})
    for name in drop:
        environment.pop(name, None)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings.prod as p; print('loaded', p.SECRET_KEY == p.PERSON_MATCH_SECRET)",
        ],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_load_with_every_secret_from_the_environment():
    result = _import_prod()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "loaded False"


@pytest.mark.parametrize(
    ("drop", "env", "expected"),
    [
        (("DJANGO_SECRET_KEY",), {}, "Environment variable DJANGO_SECRET_KEY is required but not set."),
        (
            (),
            {"DJANGO_SECRET_KEY": "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"},
            "DJANGO_SECRET_KEY must be a random value",
        ),
        ((), {"DJANGO_SECRET_KEY": "a" * 60}, "DJANGO_SECRET_KEY must be a random value"),
        (("PERSON_MATCH_SECRET",), {}, "Environment variable PERSON_MATCH_SECRET is required but not set."),
        ((), {"PERSON_MATCH_SECRET": "dev-only-person-match-secret"}, "PERSON_MATCH_SECRET must be a random value"),
        (
            (),
            {"PERSON_MATCH_SECRET": GOOD_SECRETS["DJANGO_SECRET_KEY"]},
            "PERSON_MATCH_SECRET must differ from DJANGO_SECRET_KEY",
        ),
        (("DATABASE_URL",), {}, "Environment variable DATABASE_URL is required in production"),
        ((), {"DATABASE_URL": ""}, "Environment variable DATABASE_URL is required in production"),
        (("CELERY_BROKER_URL",), {}, "Environment variable CELERY_BROKER_URL is required in production"),
    ],
)
def test_production_settings_refuse_a_missing_or_development_secret(drop, env, expected):
    result = _import_prod(drop, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert expected in result.stderr
    assert "loaded" not in result.stdout
