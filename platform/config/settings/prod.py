"""Production: every secret comes from the environment, and a missing or development value stops the
process before anything starts (checked before ``base`` runs: base would otherwise start the embedded
PostgreSQL and Valkey of development when the URLs are unset)."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_optional, env_str

for _required in ("DATABASE_URL", "CELERY_BROKER_URL"):
    if env_optional(_required) is None:
        raise ImproperlyConfigured(
            f"Environment variable {_required} is required in production (no embedded server in production)."
        )

from .base import *  # noqa: E402, F403

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a random value of at least 50 characters.")

PERSON_MATCH_SECRET = env_str("PERSON_MATCH_SECRET")
if PERSON_MATCH_SECRET.startswith("dev-only") or len(PERSON_MATCH_SECRET) < 32 or len(set(PERSON_MATCH_SECRET)) < 5:
    raise ImproperlyConfigured("PERSON_MATCH_SECRET must be a random value of at least 32 characters, set once.")
if PERSON_MATCH_SECRET == SECRET_KEY:
    raise ImproperlyConfigured("PERSON_MATCH_SECRET must differ from DJANGO_SECRET_KEY.")

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Cookies only over HTTPS, out of reach of scripts. The CSRF cookie too: our pages read the token from
# the form, never from the cookie (Swagger UI's "try it out" can therefore only send reads).
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
PUBLIC_SCHEME = "https"
PUBLIC_PORT = 0
