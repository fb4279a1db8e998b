"""The Celery app, and every periodic schedule in one place."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Every minute (cron "* * * * *"): proves beat and worker are connected and
    # records the time for /healthz (which reports the reminder sweep's time beside it).
    "heartbeat": {"task": "mdt.tasks.heartbeat", "schedule": 60.0},
    # Every minute: the same for the print queue's workers (the Procfile's `printer`), which take the
    # PDF layouts (config.settings.CELERY_TASK_ROUTES). One not taken within 55 s is dropped: a printer
    # down for a day comes back to one heartbeat, not 1,440.
    "print-heartbeat": {"task": "mdt.tasks.print_heartbeat", "schedule": 60.0, "options": {"expires": 55}},
    # Every minute (cron "* * * * *"): the reminder sweep (reminders/sweep.py) creates the
    # reminders that have fallen due, claims them and enqueues one message per claimed batch (the
    # worker fans it out into one send task per reminder). A sweep not
    # started within 55 s is dropped rather than run late: the next one does the same work.
    "reminder-sweep": {"task": "reminders.tasks.sweep", "schedule": 60.0, "options": {"expires": 55}},
    # Every 15 minutes: the service audit's closed months counted again where a case in them changed, and
    # stored (reports/monthly.py). The page counts a changed month live until then, so this only saves time.
    "reports-stored-months": {
        "task": "reports.tasks.refresh_stored_months",
        "schedule": 900.0,
        "options": {"expires": 840},
    },
    # Every 10 minutes: the agenda packs of the meetings starting within the next week have their cases laid
    # out ahead (mdt.printing.prepare_pack, one message per meeting), so the pack's build when someone asks
    # for it lays out the cover and what changed since. Late ones are dropped: the next round does the same.
    "agenda-packs-prepared": {
        "task": "mdt.tasks.prepare_packs",
        "schedule": 600.0,
        "options": {"expires": 540},
    },
}
