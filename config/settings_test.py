"""Test overrides: fast hashing, no real email, eager-free Celery (tests call services directly)."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DEBUG", "0")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client and live_server serve static files themselves; WhiteNoise would
# only warn that STATIC_ROOT (filled by collectstatic in production) is empty.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

# A file, not SQLite's shared in-memory database: tests that run a real Celery
# worker in a thread write from a second connection, and in-memory databases
# lock whole tables instead of using WAL and the busy timeout.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per test process, so two test runs on one machine never share it.
    _test_db = Path(tempfile.gettempdir()) / f"mdt-tracker-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}  # noqa: F405

# The test client and live_server speak plain HTTP.
SECURE_SSL_REDIRECT = False

# History tables refuse TRUNCATE on PostgreSQL (core/history_guard.py), and Django empties the test
# database between transactional tests with TRUNCATE: test connections alone may.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (_options.get("options", "") + " -c history_guard.allow_truncate=on").strip()

# Most tests sign in with `client.force_login`: their sessions pass without a second factor
# because it is off here (and their users have none). The tests of the second factor turn
# it on with the `settings` fixture; production has it on (DEBUG off).
MFA_REQUIRED = False
