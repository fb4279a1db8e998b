"""What recipients and coordinators do with reminders: done, snooze, resend."""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reminders.models import UNSENT, Reminder
from reminders.sweep import claim_batch

SNOOZE_CHOICES = {"day": dt.timedelta(days=1), "week": dt.timedelta(weeks=1)}
log = logging.getLogger(__name__)


@transaction.atomic
def reminder_mark_done(*, reminder: Reminder, now: dt.datetime | None = None) -> Reminder:
    """Off the recipient's list for good; an email not yet sent is not sent."""
    now = now or timezone.now()
    reminder.done_at = now
    fields = ["done_at", "updated_at"]
    if reminder.status in UNSENT:
        reminder.status = Reminder.Status.CANCELLED
        reminder.status_reason = "cancelled: marked done by the recipient"
        fields += ["status", "status_reason"]
    reminder.save(update_fields=fields)
    return reminder


@transaction.atomic
def reminder_snooze(*, reminder: Reminder, period: str, now: dt.datetime | None = None) -> Reminder:
    """Off the list until the end of the period; an email not yet sent waits until then too."""
    now = now or timezone.now()
    reminder.snoozed_until = now + SNOOZE_CHOICES[period]
    fields = ["snoozed_until", "updated_at"]
    if reminder.status == Reminder.Status.PENDING and reminder.due_at < reminder.snoozed_until:
        reminder.due_at = reminder.snoozed_until
        fields.append("due_at")
    reminder.save(update_fields=fields)
    return reminder


@transaction.atomic
def reminder_resend(*, reminder_ids: list[int], user: Any, now: dt.datetime | None = None) -> int:
    """Failed reminders back to pending with fresh tries, claimed now and enqueued on commit."""
    now = now or timezone.now()
    ids = list(Reminder.objects.filter(pk__in=reminder_ids, status=Reminder.Status.FAILED).values_list("pk", flat=True))
    Reminder.objects.filter(pk__in=ids).update(
        status=Reminder.Status.PENDING,
        due_at=now,
        attempts=0,
        send_started_at=None,
        lease_until=None,
        status_reason=f"resent by user {user.pk}",
    )
    log.info("reminders resent: ids=%s user=%d", ids, user.pk)
    claimed = 0
    while claimed < len(ids):
        batch = claim_batch(now, size=settings.REMINDER_BATCH_SIZE, ids=ids)
        if not batch:
            break
        claimed += batch
    return len(ids)
