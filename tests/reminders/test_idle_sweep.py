"""The sweep with nothing new to do, as at almost every minute: its statements do not grow with the record."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reminders.models import Reminder
from reminders.sweep import cancel_resolved, derive, sweep
from tests.factories import HOUR, performed_scan

pytestmark = pytest.mark.django_db


def all_sent() -> None:
    """What the worker would have done with everything derived so far."""
    Reminder.objects.exclude(status=Reminder.Status.SENT).update(status=Reminder.Status.SENT, sent_at=timezone.now())


def idle_statements() -> int:
    with CaptureQueriesContext(connection) as queries:
        report = sweep()
    assert (report.derived, report.cancelled, report.claimed) == (0, 0, 0)
    return len(queries)


def test_an_idle_sweep_runs_the_same_statements_for_two_waiting_mris_as_for_six(team):
    """Every MRI waiting for review past all three levels, and every reminder of it sent: the sweep reads
    the waiting MRIs in one statement per level (an INSERT ... SELECT that makes nothing), whatever their
    number, those whose case has no responsible clinician included."""
    performed_scan(80 * HOUR, responsible_clinician=team["oncologist"])
    performed_scan(80 * HOUR, responsible_clinician=None)
    derive(timezone.now())
    all_sent()
    sweep()  # the first sweep also creates its PeriodicRun row
    few = idle_statements()

    for clinician in (team["oncologist"], None, None, None):
        performed_scan(80 * HOUR, responsible_clinician=clinician)
    derive(timezone.now())
    all_sent()

    assert idle_statements() == few


def test_the_cancel_step_reads_only_the_kinds_that_have_unsent_reminders(team):
    """Nothing unsent: one statement (which kinds have unsent rows), not three per kind over the outbox."""
    scan = performed_scan(30 * HOUR)
    derive(timezone.now())
    all_sent()

    with CaptureQueriesContext(connection) as queries:
        assert cancel_resolved(timezone.now()) == 0
    assert len(queries) == 1

    Reminder.objects.filter(scan=scan).update(status=Reminder.Status.PENDING, sent_at=None)  # one kind unsent
    scan.reviewed_at, scan.reviewed_by = timezone.now(), team["radiologist"]
    scan.save()
    with CaptureQueriesContext(connection) as queries:
        assert cancel_resolved(timezone.now()) == 2  # the review resolved both radiologists' reminders
    assert len(queries) == 4  # the kinds, the deaths, that kind's deleted subjects and resolved ones
    assert set(Reminder.objects.values_list("status", "status_reason")) == {("cancelled", "cancelled: resolved")}
