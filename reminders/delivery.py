"""Sending one claimed reminder: the body of reminders.tasks.send.

Delivery is at least once, with a duplicate possible in one narrow window only:
- A task carries (reminder id, claim number). It goes on only if one conditional UPDATE takes
  the send (status sending, this claim, not started yet). The same message delivered twice, or
  run by two workers at once, sends one email; a message from an older claim does nothing.
- The email is sent, then the row is marked sent. A worker that dies before the email leaves
  leaves the row in "sending"; its lease runs out (REMINDER_SENDING_TIMEOUT_SECONDS) and the
  sweep sends it again: never lost. Only a worker that dies after the mail server accepted the
  email and before the row is marked sent (milliseconds) causes a second email. For a clinical
  reminder a rare duplicate is better than a loss, so we do not claim-and-mark-sent first
  (at most once, healthchecks' choice).
- No lock is held while the mail server is talked to: SQLite has one writer for the whole
  database, and the web app must not wait for SMTP.
- Outcomes are stored on the row: sent_at, attempts, status_reason (words and ids only).
"""

import datetime as dt
import logging
from enum import StrEnum

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db.models import F, QuerySet
from django.utils import timezone

from reminders import emails
from reminders.kinds import KINDS
from reminders.models import Reminder
from reminders.sweep import where

log = logging.getLogger(__name__)

# A reminder whose email cannot be rendered (a bug, or data the template chokes on) is tried
# again this much later (its due time pushed forward), so one bad record never blocks the others.
RENDER_RETRY = dt.timedelta(hours=1)


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # taken by another copy of the task, or superseded by a newer claim
    CANCELLED = "cancelled"  # the subject was resolved or deleted since the claim
    POSTPONED = "postponed"  # rendering failed: due again later
    FAILED = "failed"


class SendLater(Exception):
    """The mail server refused or was unreachable: the task retries after `countdown` seconds."""

    def __init__(self, reminder_id: int, countdown: int) -> None:
        super().__init__(f"reminder {reminder_id}: sending failed, retry in {countdown}s")
        self.countdown = countdown


def backoff(attempts: int) -> int:
    """Seconds before try `attempts + 1`: REMINDER_RETRY_SECONDS doubled each time, capped."""
    return int(
        get_exponential_backoff_interval(
            factor=settings.REMINDER_RETRY_SECONDS,
            retries=max(attempts - 1, 0),
            maximum=settings.REMINDER_RETRY_MAX_SECONDS,
            full_jitter=False,
        )
    )


def deliver(*, reminder_id: int, claim: int, now: dt.datetime | None = None) -> Outcome:
    now = now or timezone.now()
    held = Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.SENDING, claims=claim)
    taken = held.filter(send_started_at__isnull=True).update(
        send_started_at=now,
        attempts=F("attempts") + 1,
        lease_until=now + dt.timedelta(seconds=settings.REMINDER_SENDING_TIMEOUT_SECONDS),
    )
    if not taken:
        log.info("reminder send skipped: id=%d claim=%d", reminder_id, claim)
        return Outcome.SKIPPED

    reminder = Reminder.objects.select_related(*emails.RELATED).get(pk=reminder_id)
    kind = KINDS[reminder.kind]
    if not Reminder.objects.filter(pk=reminder_id).filter(kind.still_open(now)).exists():
        gone = getattr(reminder, f"{kind.subject}_id") is None
        reason = "cancelled: subject deleted" if gone else "cancelled: resolved"
        held.update(status=Reminder.Status.CANCELLED, lease_until=None, status_reason=reason)
        log.info("reminder cancelled at send: id=%d kind=%s", reminder_id, reminder.kind)
        return Outcome.CANCELLED

    try:
        rendered = emails.render(reminder)
    except Exception as exc:
        return _postpone(held, reminder, now, exc)

    if not reminder.address:
        held.update(
            status=Reminder.Status.FAILED, lease_until=None, status_reason="failed: the recipient has no email address"
        )
        log.warning("reminder failed: id=%d kind=%s no email address", reminder_id, reminder.kind)
        return Outcome.FAILED

    try:
        emails.message_for(reminder, rendered).send()
    except Exception as exc:
        return _send_failed(held, reminder, now, exc)

    marked = held.update(status=Reminder.Status.SENT, sent_at=timezone.now(), lease_until=None, status_reason="")
    if not marked:  # cannot happen while the lease outlasts the task time limit (settings check)
        log.error("reminder sent after its claim was taken back: id=%d claim=%d", reminder_id, claim)
    log.info("reminder sent: id=%d kind=%s try=%d", reminder_id, reminder.kind, reminder.attempts)
    return Outcome.SENT


def _send_failed(held: QuerySet[Reminder], reminder: Reminder, now: dt.datetime, exc: Exception) -> Outcome:
    """Failed for good after REMINDER_MAX_ATTEMPTS tries; before that, SendLater with the backoff."""
    error = type(exc).__name__
    if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        held.update(
            status=Reminder.Status.FAILED,
            lease_until=None,
            status_reason=f"failed after {reminder.attempts} tries: {error}",
        )
        log.warning(
            "reminder failed: id=%d kind=%s tries=%d error=%s", reminder.pk, reminder.kind, reminder.attempts, error
        )
        return Outcome.FAILED
    countdown = backoff(reminder.attempts)
    # Open the gate for the retry of this claim; the lease outlives the countdown so the sweep
    # does not claim the row meanwhile, unless the retry message is lost with Redis.
    held.update(
        send_started_at=None,
        lease_until=now + dt.timedelta(seconds=countdown + settings.REMINDER_CLAIM_TIMEOUT_SECONDS),
        status_reason=f"try {reminder.attempts} failed: {error}",
    )
    log.warning(
        "reminder send failed: id=%d kind=%s try=%d error=%s retry_in=%ds",
        reminder.pk,
        reminder.kind,
        reminder.attempts,
        error,
        countdown,
    )
    raise SendLater(reminder.pk, countdown) from exc


def _postpone(held: QuerySet[Reminder], reminder: Reminder, now: dt.datetime, exc: Exception) -> Outcome:
    error = f"{type(exc).__name__} at {where(exc)}"
    if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
        held.update(status=Reminder.Status.FAILED, lease_until=None, status_reason=f"failed: rendering, {error}"[:200])
        log.error("reminder failed: id=%d kind=%s rendering error=%s", reminder.pk, reminder.kind, error)
        return Outcome.FAILED
    held.update(
        status=Reminder.Status.PENDING,
        due_at=now + RENDER_RETRY,
        send_started_at=None,
        lease_until=None,
        status_reason=f"rendering failed, due again in an hour: {error}"[:200],
    )
    log.error("reminder postponed: id=%d kind=%s rendering error=%s", reminder.pk, reminder.kind, error)
    return Outcome.POSTPONED
