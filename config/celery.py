"""The Celery app, and every periodic schedule in one place."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every minute (cron "* * * * *"): proves beat and worker are connected and
    # records the time for /healthz. The reminder sweep replaces it.
    "heartbeat": {"task": "mdt.tasks.heartbeat", "schedule": 60.0},
}
