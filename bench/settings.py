"""Settings for the load test's server: the app, plus a bare hello-world view as the baseline."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Measure what production runs: no debug, so templates are parsed once (the cached loader) and no
# query log grows. Seeding runs in its own process with config.settings and DEBUG=1.
DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A PDF the load test asks for that is not built yet is queued here, never on the queue a developer's
# worker on the same Redis takes (bench.load empties it afterwards).
CELERY_TASK_DEFAULT_QUEUE = "bench-load"
CELERY_TASK_ROUTES = {task: {"queue": CELERY_TASK_DEFAULT_QUEUE} for task in CELERY_TASK_ROUTES}  # noqa: F405
