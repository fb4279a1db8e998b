"""Meetings: the rules on one meeting, in the model and in the database, and weekly scheduling."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mdt.models import Meeting, Member, quorum_of
from mdt.services.agenda import WeeklySchedule, meetings_schedule_weekly
from tests.factories import MeetingFactory, clinician, coordinator

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def test_it_rejects_an_agenda_that_closes_after_the_meeting_starts():
    starts = timezone.now() + dt.timedelta(days=7)
    meeting = Meeting(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), agenda_closes_at=starts + dt.timedelta(minutes=1)
    )

    with pytest.raises(ValidationError) as exc:
        meeting.full_clean()

    assert exc.value.message_dict["agenda_closes_at"] == ["The agenda must close before the meeting starts."]


def test_the_database_refuses_an_agenda_closing_after_the_start_too():
    meeting = MeetingFactory()
    meeting.agenda_closes_at = meeting.starts_at + dt.timedelta(hours=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()


def test_it_rejects_a_meeting_in_the_past_naming_the_field():
    starts = timezone.now() - dt.timedelta(hours=1)
    meeting = Meeting(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), agenda_closes_at=starts - dt.timedelta(days=1)
    )

    with pytest.raises(ValidationError) as exc:
        meeting.full_clean()

    assert exc.value.message_dict["starts_at"] == ["A meeting cannot be scheduled in the past."]


def test_it_still_lets_a_past_meeting_be_edited_without_moving_it():
    meeting = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=7))
    meeting.location = "Room 3"

    meeting.full_clean()  # no error: the start did not change


def test_it_rejects_a_meeting_that_ends_before_it_starts():
    meeting = MeetingFactory.build()
    meeting.ends_at = meeting.starts_at

    with pytest.raises(ValidationError) as exc:
        meeting.full_clean()

    assert "ends_at" in exc.value.message_dict


def test_two_live_meetings_cannot_start_at_the_same_time_but_a_cancelled_one_can():
    first = MeetingFactory()
    MeetingFactory(starts_at=first.starts_at, status=Meeting.Status.CANCELLED)

    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingFactory(starts_at=first.starts_at)


@pytest.mark.parametrize(
    ("roles", "missing"),
    [
        (["oncologist", "spinal_surgeon", "radiologist"], ()),
        (["oncologist", "spinal_surgeon", "radiologist", "nurse_specialist"], ()),
        (["oncologist", "spinal_surgeon"], ("radiologist",)),
        (["mdt_coordinator", "palliative_care"], ("oncologist", "spinal_surgeon", "radiologist")),
        ([], ("oncologist", "spinal_surgeon", "radiologist")),
    ],
)
def test_quorum_needs_an_oncologist_a_spinal_surgeon_and_a_radiologist(roles, missing):
    quorum = quorum_of(roles)

    assert quorum.missing == missing
    assert quorum.met is (not missing)


# --------------------------------------------------------------------------- weekly scheduling


def schedule(first_date: dt.date, weeks: int = 4) -> WeeklySchedule:
    return WeeklySchedule(
        first_date=first_date,
        starts=dt.time(13, 0),
        duration=dt.timedelta(hours=2),
        weeks=weeks,
        agenda_closes_days_before=2,
        agenda_closes=dt.time(12, 0),
        location="Seminar room 2",
    )


@time_machine.travel(dt.datetime(2026, 3, 16, 9, 0, tzinfo=LONDON), tick=False)
def test_it_schedules_weekly_meetings_at_the_same_local_time_across_the_spring_clock_change():
    created, existing = meetings_schedule_weekly(schedule=schedule(dt.date(2026, 3, 18)), user=coordinator())

    assert existing == []
    local = [timezone.localtime(m.starts_at) for m in created]
    assert [(t.date(), t.hour) for t in local] == [
        (dt.date(2026, 3, 18), 13),
        (dt.date(2026, 3, 25), 13),
        (dt.date(2026, 4, 1), 13),  # BST from 29 March: still 13:00 on the wall clock
        (dt.date(2026, 4, 8), 13),
    ]
    assert [m.starts_at.astimezone(dt.UTC).hour for m in created] == [13, 13, 12, 12]
    assert timezone.localtime(created[0].agenda_closes_at) == dt.datetime(2026, 3, 16, 12, 0, tzinfo=LONDON)


@time_machine.travel(dt.datetime(2026, 10, 19, 9, 0, tzinfo=LONDON), tick=False)
def test_it_schedules_across_the_autumn_clock_change_and_skips_weeks_already_scheduled():
    user = coordinator()
    meetings_schedule_weekly(schedule=schedule(dt.date(2026, 10, 21), weeks=1), user=user)

    created, existing = meetings_schedule_weekly(schedule=schedule(dt.date(2026, 10, 21), weeks=3), user=user)

    assert len(existing) == 1 and len(created) == 2
    assert [m.starts_at.astimezone(dt.UTC).hour for m in created] == [13, 13]  # GMT from 25 October
    assert Meeting.objects.count() == 3


def test_only_a_coordinator_can_schedule_meetings():
    with pytest.raises(PermissionDenied):
        meetings_schedule_weekly(
            schedule=schedule(timezone.localdate() + dt.timedelta(days=3)),
            user=clinician("oncologist", Member.Role.ONCOLOGIST),
        )
    assert Meeting.objects.count() == 0


def test_it_refuses_to_schedule_a_series_that_starts_in_the_past_and_saves_nothing():
    with pytest.raises(ValidationError) as exc:
        meetings_schedule_weekly(schedule=schedule(timezone.localdate() - dt.timedelta(days=7)), user=coordinator())

    assert exc.value.message_dict["starts_at"] == ["A meeting cannot be scheduled in the past."]
    assert Meeting.objects.count() == 0


def test_the_workspace_schedules_weekly_meetings_in_one_step(client):
    user = coordinator()
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_meeting", "change_meeting", "view_meeting"])
    )
    client.force_login(user)
    first = timezone.localdate() + dt.timedelta(days=8)
    url = reverse("admin:mdt_meeting_schedule_weekly")

    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Spinal metastases MDT",
            "first_date": first.isoformat(),
            "starts": "13:00",
            "duration_minutes": 120,
            "weeks": 6,
            "agenda_closes_days_before": 2,
            "agenda_closes": "12:00",
        },
    )

    assert response.status_code == 302
    assert Meeting.objects.count() == 6
    assert client.get(reverse("admin:mdt_meeting_changelist")).context["cl"].result_count == 6


def test_the_workspace_refuses_scheduling_to_those_without_the_permission(client):
    client.force_login(coordinator())  # staff, but not given the meeting permissions

    assert client.get(reverse("admin:mdt_meeting_schedule_weekly")).status_code == 403
