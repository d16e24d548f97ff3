"""Plain Django: same view, same table, same middleware minus tenancy, one schema."""

import os
from pathlib import Path

from config.env import parse_database_url

BASE_DIR = Path(__file__).resolve().parents[1]
SECRET_KEY = "bench-only-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["localhost"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "tenants.workspace",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "bench.views"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        **parse_database_url(os.environ["DATABASE_URL"]),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en"
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR"}}
