"""Claiming and sending, in-process: once per reminder, whatever is delivered twice, fails or is resolved."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cases.models import Scan
from mdt.models import PeriodicRun
from reminders import delivery, emails
from reminders.delivery import Outcome, SendLater, deliver
from reminders.models import Reminder
from reminders.sweep import SWEEP_RUN, claim_batch, release_expired, sweep
from reminders.tasks import send, send_batch
from tests.factories import HOUR, performed_scan
from tests.reminders.conftest import claim, due_reminder, sent_per_reminder

pytestmark = pytest.mark.django_db

REFUSING = {"default": {"BACKEND": "tests.reminders.backends.RefusingBackend"}}


def test_the_sweep_sends_each_due_reminder_once_and_records_it(team, eager, django_capture_on_commit_callbacks):
    scan = performed_scan(25 * HOUR)

    with django_capture_on_commit_callbacks(execute=True):
        report = sweep()
    with django_capture_on_commit_callbacks(execute=True):
        again = sweep()

    assert (report.derived, report.claimed, again.claimed) == (2, 2, 0)
    assert sorted(sent_per_reminder().values()) == [1, 1]
    assert sorted(m.to[0] for m in mail.outbox) == ["rad1@example.org", "rad2@example.org"]
    for reminder in Reminder.objects.all():
        assert (reminder.status, reminder.attempts, reminder.claims) == ("sent", 1, 1)
        assert reminder.sent_at is not None and reminder.lease_until is None
    assert PeriodicRun.objects.get(name=SWEEP_RUN).last_run_at is not None
    assert scan.case.patient.mrn in mail.outbox[0].subject


@pytest.mark.hazard("HAZ-031")
def test_the_same_send_task_delivered_twice_sends_one_email(team):
    reminder = due_reminder(team)
    number = claim(reminder)

    send.apply(args=(reminder.pk, number))
    send.apply(args=(reminder.pk, number))

    assert sent_per_reminder() == {reminder.pk: 1}
    assert deliver(reminder_id=reminder.pk, claim=number) == Outcome.SKIPPED


def test_a_message_from_an_older_claim_does_nothing(team, settings):
    reminder = due_reminder(team)
    first = claim(reminder)
    later = timezone.now() + dt.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS + 1)
    assert release_expired(later) == (1, 0)  # the first message was lost: the row is claimed again
    Reminder.objects.filter(pk=reminder.pk).update(due_at=timezone.now() - HOUR)
    second = claim(reminder)

    assert deliver(reminder_id=reminder.pk, claim=first) == Outcome.SKIPPED
    assert deliver(reminder_id=reminder.pk, claim=second) == Outcome.SENT
    assert sent_per_reminder() == {reminder.pk: 1}


def test_a_reminder_resolved_after_its_claim_is_cancelled_not_sent(team):
    reminder = due_reminder(team)
    number = claim(reminder)
    Scan.objects.filter(pk=reminder.scan_id).update(reviewed_at=timezone.now(), reviewed_by=team["radiologist"])

    assert deliver(reminder_id=reminder.pk, claim=number) == Outcome.CANCELLED

    reminder.refresh_from_db()
    assert (reminder.status, reminder.status_reason) == ("cancelled", "cancelled: resolved")
    assert mail.outbox == []


def test_a_reminder_whose_subject_was_deleted_is_cancelled_without_a_crash(team):
    reminder = due_reminder(team)
    number = claim(reminder)
    Scan.objects.filter(pk=reminder.scan_id).delete()

    assert deliver(reminder_id=reminder.pk, claim=number) == Outcome.CANCELLED
    reminder.refresh_from_db()
    assert reminder.status_reason == "cancelled: subject deleted"


@pytest.mark.hazard("HAZ-003")
def test_a_reminder_that_cannot_be_rendered_is_pushed_forward_and_the_others_still_go(
    team, eager, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    broken = due_reminder(team)
    fine = due_reminder(team, recipient=team["radiologist2"], dedupe_key="other")
    real_render = emails.render

    def render(reminder):
        if reminder.pk == broken.pk:
            raise KeyError("Canary-Family")
        return real_render(reminder)

    monkeypatch.setattr(emails, "render", render)
    with django_capture_on_commit_callbacks(execute=True):
        sweep()

    assert sent_per_reminder() == {fine.pk: 1}
    broken.refresh_from_db()
    assert broken.status == "pending"
    assert broken.due_at > timezone.now() + dt.timedelta(minutes=59)
    assert broken.status_reason.startswith("rendering failed, due again in an hour: KeyError at ")
    assert "Canary" not in caplog.text


def test_rendering_that_keeps_failing_ends_failed(team, settings, monkeypatch):
    settings.REMINDER_MAX_ATTEMPTS = 2
    reminder = due_reminder(team)
    monkeypatch.setattr(emails, "render", lambda r: 1 / 0)

    assert deliver(reminder_id=reminder.pk, claim=claim(reminder)) == Outcome.POSTPONED
    Reminder.objects.filter(pk=reminder.pk).update(due_at=timezone.now())
    assert deliver(reminder_id=reminder.pk, claim=claim(reminder)) == Outcome.FAILED
    reminder.refresh_from_db()
    assert reminder.status == "failed" and reminder.attempts == 2


def test_a_refused_send_backs_off_exponentially_then_fails(team, settings):
    settings.MAILERS = REFUSING
    settings.REMINDER_MAX_ATTEMPTS = 3
    settings.REMINDER_RETRY_SECONDS = 30
    reminder = due_reminder(team)
    number = claim(reminder)

    countdowns = []
    for _ in range(2):
        with pytest.raises(SendLater) as later:
            deliver(reminder_id=reminder.pk, claim=number)
        countdowns.append(later.value.countdown)
        reminder.refresh_from_db()
        assert reminder.status == "sending" and reminder.send_started_at is None  # open for the retry
        assert reminder.lease_until > timezone.now() + dt.timedelta(seconds=later.value.countdown)
    assert deliver(reminder_id=reminder.pk, claim=number) == Outcome.FAILED

    assert countdowns == [30, 60]
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("failed", 3)
    assert reminder.status_reason == "failed after 3 tries: SMTPServerDisconnected"


def test_the_send_task_retries_through_celery_until_the_row_gives_up(team, settings):
    settings.MAILERS = REFUSING
    settings.REMINDER_MAX_ATTEMPTS = 4
    reminder = due_reminder(team)

    send.apply(args=(reminder.pk, claim(reminder)))  # eager: each retry runs at once

    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == ("failed", 4)


def test_a_recipient_without_an_email_address_is_failed_for_a_coordinator_to_see(team):
    team["radiologist"].email = ""
    team["radiologist"].save()
    reminder = due_reminder(team)

    assert deliver(reminder_id=reminder.pk, claim=claim(reminder)) == Outcome.FAILED
    reminder.refresh_from_db()
    assert reminder.status_reason == "failed: the recipient has no email address"


def test_a_send_that_never_finished_is_sent_again_after_the_timeout(team, settings):
    reminder = due_reminder(team)
    number = claim(reminder)
    # The worker took the send and died before the email left.
    Reminder.objects.filter(pk=reminder.pk).update(
        send_started_at=timezone.now(),
        attempts=1,
        lease_until=timezone.now() + dt.timedelta(seconds=settings.REMINDER_SENDING_TIMEOUT_SECONDS),
    )
    assert release_expired(timezone.now() + dt.timedelta(minutes=5)) == (0, 0)  # still within its lease

    later = timezone.now() + dt.timedelta(seconds=settings.REMINDER_SENDING_TIMEOUT_SECONDS + 1)
    assert release_expired(later) == (1, 0)
    assert deliver(reminder_id=reminder.pk, claim=number) == Outcome.SKIPPED  # the dead worker's message
    assert deliver(reminder_id=reminder.pk, claim=claim(reminder)) == Outcome.SENT
    assert sent_per_reminder() == {reminder.pk: 1}


def test_a_send_that_never_finished_on_its_last_try_is_failed(team, settings):
    settings.REMINDER_MAX_ATTEMPTS = 1
    reminder = due_reminder(team)
    claim(reminder)
    Reminder.objects.filter(pk=reminder.pk).update(send_started_at=timezone.now(), attempts=1)

    assert release_expired(timezone.now() + dt.timedelta(hours=1)) == (0, 1)
    reminder.refresh_from_db()
    assert reminder.status == "failed"


def test_when_the_broker_is_down_the_claims_are_handed_back_at_once(
    team, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """A claimed batch is one message: the broker refusing it hands every claim of the batch back to
    pending for the next sweep, none is left waiting for its lease."""
    reminders = [due_reminder(team, dedupe_key=f"k{n}") for n in range(3)]

    def apply_async(args, **options):
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr(send_batch, "apply_async", apply_async)
    with django_capture_on_commit_callbacks(execute=True):
        report = sweep()

    assert report.broker_down and report.claimed == 3
    statuses = dict(Reminder.objects.filter(pk__in=[r.pk for r in reminders]).values_list("pk", "status"))
    assert sorted(statuses.values()) == ["pending", "pending", "pending"]
    assert "broker unavailable: error=ConnectionRefusedError batch=3 handed_back=3 step=sweep" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_rolls_back_enqueues_nothing(team, monkeypatch):
    reminder = due_reminder(team)
    published = []
    monkeypatch.setattr(send_batch, "apply_async", lambda args, **options: published.append(args))

    with pytest.raises(RuntimeError), transaction.atomic():
        claim_batch(timezone.now(), size=10)
        raise RuntimeError("rolled back")

    assert published == []
    reminder.refresh_from_db()
    assert (reminder.status, reminder.claims) == ("pending", 0)

    with transaction.atomic():  # the control: committed, it is published once, after the commit
        claim_batch(timezone.now(), size=10)
        assert published == []
    assert published == [([(reminder.pk, 1)],)]


def test_backoff_doubles_and_is_capped(settings):
    settings.REMINDER_RETRY_SECONDS = 30
    settings.REMINDER_RETRY_MAX_SECONDS = 200
    assert [delivery.backoff(n) for n in (1, 2, 3, 4, 5)] == [30, 60, 120, 200, 200]


def test_overdue_rows_are_claimed_oldest_first_in_batches(
    team, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REMINDER_BATCH_SIZE = 2
    batches = []
    monkeypatch.setattr(send_batch, "apply_async", lambda args, **options: batches.append(args[0]))
    ids = [due_reminder(team, dedupe_key=f"k{n}", due_at=timezone.now() - n * HOUR).pk for n in range(5)]

    with django_capture_on_commit_callbacks(execute=True):
        report = sweep()

    assert report.claimed == 5
    assert [len(batch) for batch in batches] == [2, 2, 1]  # one message per claimed batch
    assert [pk for batch in batches for pk, _ in batch] == list(reversed(ids))


def test_a_sweep_over_deleted_resolved_and_broken_subjects_sends_the_rest_and_does_not_crash(
    team, eager, monkeypatch, django_capture_on_commit_callbacks
):
    fine = [due_reminder(team, dedupe_key=f"fine{n}") for n in range(3)]
    deleted = due_reminder(team, dedupe_key="deleted")
    resolved = due_reminder(team, dedupe_key="resolved")
    broken = due_reminder(team, dedupe_key="broken")
    Scan.objects.filter(pk=deleted.scan_id).delete()
    Scan.objects.filter(pk=resolved.scan_id).update(reviewed_at=timezone.now(), reviewed_by=team["radiologist"])
    real_render = emails.render
    monkeypatch.setattr(emails, "render", lambda r: 1 / 0 if r.pk == broken.pk else real_render(r))

    with django_capture_on_commit_callbacks(execute=True):
        sweep()

    assert sent_per_reminder() == {reminder.pk: 1 for reminder in fine}
    outcome = dict(Reminder.objects.values_list("dedupe_key", "status"))
    assert (outcome["deleted"], outcome["resolved"], outcome["broken"]) == ("cancelled", "cancelled", "pending")
