import os

from .base import *  # noqa: F403
from .base import PROJECT_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test session gets its own queue so a `make run` worker never takes a test's task.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", f"platform-test-{os.getpid()}")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = PROJECT_DIR / "var" / "test-static"
DEMO_CREDENTIALS_FILE = str(PROJECT_DIR / "var" / f"test-demo-credentials-{os.getpid()}.json")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True  # the browser tests load our CSS and scripts without a collectstatic
# A drain sent after every committed entry would reach whichever worker a later test starts; the
# tests that measure it turn it on (tests/federation/test_drain_soon.py).
OUTBOX_HOOKS = []  # type: ignore[var-annotated]
# The whole suite signs in from 127.0.0.1 and the cache outlives a run: the address limit would lock a
# second run out. The throttling tests set their own limits and addresses.
LOGIN_THROTTLE_ADDRESS_FAILURES = 100_000
