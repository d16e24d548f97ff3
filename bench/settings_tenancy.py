"""bench/tenancy: the full tenant stack; with BENCH_FLEET_APP=1, one more tenant app whose single
migration plays the additive migration rolled out over the fleet."""

import os

from config.settings.base import *  # noqa: F403

DEBUG = False
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR"}}
# Entity creation times measure schemas, not password hashing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if os.environ.get("BENCH_FLEET_APP") == "1":
    TENANT_APPS = [*TENANT_APPS, "bench.fleet_app"]  # noqa: F405
    INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]  # noqa: F405
