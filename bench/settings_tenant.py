"""The full tenant stack as deployed (routing cache, search_path economy), serving the bench view."""

from config.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.views"
PUBLIC_SCHEMA_URLCONF = "bench.views"
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
