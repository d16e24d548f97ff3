"""Stock django-tenants: domain looked up in the database and `SET search_path` on every request."""

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, MIDDLEWARE

DEBUG = False
ROOT_URLCONF = "bench.views"
PUBLIC_SCHEMA_URLCONF = "bench.views"
TENANT_LIMIT_SET_CALLS = False
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
MIDDLEWARE = ["django_tenants.middleware.main.TenantMainMiddleware"] + [
    m for m in MIDDLEWARE if not m.startswith("tenants.registry.middleware")
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "django.middleware.locale.LocaleMiddleware"
)
LOGGING = {"version": 1, "disable_existing_loggers": True, "root": {"level": "ERROR"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
