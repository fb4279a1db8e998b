"""The reminders a running service has sent, for the benchmark data (home seed_scale).

The real derive step creates them from the seeded record (every kind, every recipient), and
they are marked sent, as the worker would have: the outbox a team has after years, and a
sweep that finds nothing new to do, as at any ordinary minute.
"""

import datetime as dt

from django.db.models import F
from django.utils import timezone

from reminders.models import Reminder
from reminders.sweep import derive


def seed_sent_reminders(now: dt.datetime | None = None) -> int:
    derive(now or timezone.now())
    return Reminder.objects.filter(status=Reminder.Status.PENDING).update(
        status=Reminder.Status.SENT, sent_at=F("due_at"), claims=1, attempts=1
    )
