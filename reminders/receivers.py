"""What reminders does when the clinical record changes under it (connected in RemindersConfig.ready)."""

import datetime as dt
from typing import Any

from reminders.kinds.base import DEATH_REASON
from reminders.models import Reminder


def cancel_for_death(sender: Any, *, patient_id: int, date_of_death: dt.date, **kwargs: Any) -> None:
    """On cases.signals.patient_died: every unsent reminder about the patient is cancelled, with the reason.

    Rows already being sent are stopped by the send task's last check (reminders.kinds.base.alive() is
    part of every kind's still_open), and the sweep derives nothing new for a patient who has died
    (the same alive() in the kinds' INSERT ... SELECT, reminders.sweep.without_the_dead for the others).
    """
    Reminder.objects.filter(
        case__patient_id=patient_id, status__in=(Reminder.Status.PENDING, Reminder.Status.FAILED)
    ).update(status=Reminder.Status.CANCELLED, status_reason=DEATH_REASON)
