"""Time per case: the live screen records when each case came on and went off; the meeting's page and
the service audit show minutes per case, per presentation and per meeting, and the meetings that over-ran."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.choices import Presentation
from cases.models import Case
from live import services
from live.models import LiveSession
from live.timing import case_minutes, meeting_times, presentation_times
from tests.live.makers import room

pytestmark = pytest.mark.django_db

MIN = dt.timedelta(minutes=1)


def held(r, steps, *, end_after):
    """Start now, take each (minutes later, action) step, end `end_after` minutes after the start."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    for after, action in steps:
        with time_machine.travel(start + after * MIN, tick=False):
            current = LiveSession.objects.get(meeting=r.meeting).current_item_id
            services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action=action, from_item_id=current)
    with time_machine.travel(start + end_after * MIN, tick=False):
        services.live_end(meeting_id=r.meeting.pk, user=r.coordinator)
    return start


def test_a_case_gone_back_to_adds_its_periods():
    r = room(2)
    held(r, [(7, "next"), (10, "back"), (12, "next")], end_after=20)

    assert case_minutes(r.meeting.pk) == {r.items[0].pk: 9, r.items[1].pk: 11}


def test_the_meeting_page_shows_minutes_per_case_and_that_the_meeting_over_ran(client):
    r = room(2, started_minutes_ago=110)  # scheduled for two hours: ends ten minutes from now
    held(r, [(25, "next")], end_after=40)  # ends 30 minutes after its scheduled end

    client.force_login(r.oncologist)
    page = client.get(reverse("meeting-detail", args=[r.meeting.pk])).content.decode()

    assert "25 min</span>" in page and "15 min</span>" in page
    assert "Held live in 40 min" in page and "Over-ran by 30 min." in page


def test_the_meeting_page_shows_minutes_per_presentation(client):
    r = room(3, started_minutes_ago=110)
    Case.objects.filter(pk=r.items[2].case_id).update(
        presentation=Presentation.KNOWN_DISEASE_REVIEW, red_flags=["nocturnal_pain"]
    )
    held(r, [(10, "next"), (30, "next")], end_after=35)
    client.force_login(r.oncologist)

    page = " ".join(client.get(reverse("meeting-detail", args=[r.meeting.pk])).content.decode().split())

    assert "By presentation: Known disease review: 1 case, 5 min median;" in page
    assert "Suspected MSCC with neurology: 2 cases, 15 min median, longest 20 min." in page


def test_a_meeting_that_finished_in_time_did_not_over_run():
    r = room(1)
    held(r, [], end_after=30)

    (time,) = meeting_times(timezone.now() - dt.timedelta(days=1), timezone.now() + dt.timedelta(days=1))
    assert not time.over_ran and time.case_minutes == 30 and time.cases == 1 and time.per_case == 30


def test_the_audit_shows_minutes_per_presentation_and_the_meetings_that_over_ran(client, django_assert_max_num_queries):
    r = room(3, started_minutes_ago=110)
    Case.objects.filter(pk=r.items[2].case_id).update(
        presentation=Presentation.KNOWN_DISEASE_REVIEW, red_flags=["nocturnal_pain"]
    )
    held(r, [(10, "next"), (30, "next")], end_after=35)
    window = (timezone.now() - dt.timedelta(days=1), timezone.now() + dt.timedelta(days=1))

    rows = {row.label: row for row in presentation_times(*window)}
    mscc = rows[Presentation.SUSPECTED_MSCC.label]
    assert (mscc.cases, mscc.median_minutes, mscc.longest_minutes) == (2, 15, 20)
    assert rows[Presentation.KNOWN_DISEASE_REVIEW.label].cases == 1

    client.force_login(r.oncologist)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("live:time-report")).content.decode()
    assert "1 over-ran" in page and "by 25 min" in page
