"""Due times across the 2026 UK clock changes: a sweep every minute, nothing skipped, nothing doubled.

29 March 2026 01:00 UTC: 01:00 GMT becomes 02:00 BST (01:00-01:59 local never happens).
25 October 2026 01:00 UTC: 02:00 BST becomes 01:00 GMT (01:00-01:59 local happens twice).
Times are stored in UTC and compared in UTC; local wall-clock rules (follow-ups at a local hour,
steroids N calendar days after treatment) are turned into one UTC instant when the row is made.
"""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from reminders.models import Reminder
from reminders.sweep import sweep
from tests.factories import CaseFactory, follow_up, meeting
from tests.reminders.conftest import sent_per_reminder

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = dt.UTC
MINUTE = dt.timedelta(minutes=1)
SPRING = dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
AUTUMN = dt.datetime(2026, 10, 25, 1, 0, tzinfo=UTC)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def settings_for_the_night(settings):
    settings.TIME_ZONE = "Europe/London"
    settings.REMINDER_DAY_START_HOUR = 1  # follow-ups at 01:00 local: the hour that is missing, then doubled
    settings.REMINDER_FOLLOW_UP_DAYS_BEFORE = 0
    settings.REMINDER_AGENDA_HOURS_BEFORE = 8
    settings.REMINDER_STEROIDS_DAYS_AFTER_TREATMENT = 7
    return settings


def sweep_every_minute(start: dt.datetime, end: dt.datetime, capture) -> list[dt.datetime]:
    """One sweep a minute from start to end (UTC), sends run in-process; returns the sweep times."""
    times = []
    at = start
    while at <= end:
        with time_machine.travel(at, tick=False), capture(execute=True):
            sweep()
        times.append(at)
        at += MINUTE
    return times


@pytest.mark.hazard("HAZ-006")
@pytest.mark.parametrize("change", [SPRING, AUTUMN], ids=["spring-forward", "fall-back"])
def test_every_reminder_due_around_a_clock_change_is_sent_once_at_its_time(
    team, eager, settings_for_the_night, django_capture_on_commit_callbacks, change
):
    start, end = change - 90 * MINUTE, change + 90 * MINUTE
    with time_machine.travel(start - dt.timedelta(days=8), tick=False):
        steroids = CaseFactory(
            responsible_clinician=team["oncologist"],
            steroids_started_at=timezone.now(),
            decision_to_treat_at=timezone.now(),
            treatment_modality="radiotherapy",
        )
    # Treatment started at 01:30 local a week before: due 01:30 local on the night of the change.
    week_before = change.astimezone(LONDON).date() - dt.timedelta(days=7)
    steroids.treatment_start_at = local(week_before.year, week_before.month, week_before.day, 1, 30)
    steroids.save()
    night = change.astimezone(LONDON).date()
    due_today = follow_up(team["oncologist"], night)  # due soon at 01:00 local on the night
    due_yesterday = follow_up(team["radiologist"], night - dt.timedelta(days=1))  # overdue at 01:00 local
    # 09:00 local the morning after the change: the agenda goes 8 hours before, in UTC.
    with time_machine.travel(start - dt.timedelta(days=1), tick=False):
        morning = meeting(local(night.year, night.month, night.day, 9, 0))
    # And rows due every 7 minutes across the window, one exactly at the change.
    direct = [
        Reminder.objects.create(
            kind=Reminder.Kind.STEROIDS_ACTIVE,
            recipient=team["oncologist"],
            case=steroids,
            due_at=change + n * 7 * MINUTE,
            dedupe_key=f"direct:{n}",
        )
        for n in range(-12, 13)
    ]

    sweeps = sweep_every_minute(start, end, django_capture_on_commit_callbacks)

    everything = list(Reminder.objects.all())
    counted = sent_per_reminder()
    assert all(count == 1 for count in counted.values()), "a reminder was sent twice"
    assert {r.pk for r in everything if r.status == "sent"} == set(counted), "sent without an email, or the reverse"
    due_in_window = [r for r in everything if r.due_at <= end]
    assert {r.pk for r in due_in_window} == set(counted), "a reminder due in the window was skipped"
    for reminder in everything:
        # Sent by the first sweep at or after its due time: never early, never a sweep late.
        assert reminder.sent_at == next(at for at in sweeps if at >= reminder.due_at), reminder.dedupe_key
    kinds = {r.kind for r in everything}
    assert kinds >= {"steroids_active", "follow_up_due_soon", "follow_up_overdue", "meeting_agenda"}
    assert len(direct) == 25
    # Each local-time rule became one instant; the agenda is 8 elapsed hours before the meeting
    # (in UTC: 09:00 local minus 8 hours of wall clock would be an hour off across the change).
    agenda = Reminder.objects.filter(kind=Reminder.Kind.MEETING_AGENDA).first()
    assert agenda.due_at == morning.starts_at.astimezone(UTC) - dt.timedelta(hours=8)
    assert Reminder.objects.get(follow_up=due_today).due_at.astimezone(LONDON).hour in (1, 2)
    overdue = Reminder.objects.get(follow_up=due_yesterday, kind=Reminder.Kind.FOLLOW_UP_OVERDUE)
    assert overdue.due_at == Reminder.objects.get(follow_up=due_today).due_at  # 01:00 local on the night
