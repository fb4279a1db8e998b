"""The calendar entry: the right zone in summer and in winter, and no patient data."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from mdt.models import Meeting, Member
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, PatientFactory, clinician

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def ics(client, meeting) -> tuple[str, Calendar]:
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))
    response = client.get(reverse("meeting-ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    return response.content.decode(), Calendar.from_ical(response.content)


def meeting_at(local: dt.datetime, **kwargs) -> Meeting:
    return MeetingFactory(
        starts_at=local, ends_at=local + dt.timedelta(hours=2), agenda_closes_at=local - dt.timedelta(days=2), **kwargs
    )


@pytest.mark.parametrize(
    ("local", "utc_hour", "offset"),
    [
        (dt.datetime(2026, 7, 1, 13, 0, tzinfo=LONDON), 12, "+0100"),  # BST (from 29 March 2026)
        (dt.datetime(2026, 12, 2, 13, 0, tzinfo=LONDON), 13, "+0000"),  # GMT (from 25 October 2026)
        (dt.datetime(2026, 3, 25, 13, 0, tzinfo=LONDON), 13, "+0000"),  # the week before the spring change
        (dt.datetime(2026, 10, 28, 13, 0, tzinfo=LONDON), 13, "+0000"),  # the week after the autumn change
    ],
)
def test_the_event_is_at_1pm_london_time_with_the_zone_in_the_file(client, local, utc_hour, offset):
    meeting = meeting_at(local)

    text, calendar = ics(client, meeting)

    assert f"DTSTART;TZID=Europe/London:{local:%Y%m%d}T130000" in text
    assert f"DTEND;TZID=Europe/London:{local:%Y%m%d}T150000" in text
    assert "BEGIN:VTIMEZONE" in text and "TZID:Europe/London" in text
    [event] = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start.astimezone(dt.UTC).hour == utc_hour
    assert start.strftime("%z") == offset


@pytest.mark.hazard("HAZ-025")
def test_it_carries_the_meeting_the_count_of_cases_and_a_link_but_no_patient_data(client):
    meeting = MeetingFactory(location="Seminar room 2", video_link="https://video.example.org/mdt")
    for name in ("Featherstonehaugh", "Quixley"):
        AgendaItemFactory(
            meeting=meeting, case=CaseFactory(patient=PatientFactory(family_name=name, mrn=f"RX-{name[:8]}"))
        )

    text, calendar = ics(client, meeting)

    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Spinal metastases MDT"
    assert str(event["LOCATION"]) == "Seminar room 2"
    assert "2 cases on the agenda" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == f"http://testserver/meetings/{meeting.pk}/"
    unfolded = text.replace("\r\n ", "")
    for secret in ("Featherstonehaugh", "Quixley", "RX-"):
        assert secret not in unfolded


def test_a_cancelled_meeting_is_a_cancelled_event(client):
    _, calendar = ics(client, MeetingFactory(status=Meeting.Status.CANCELLED))

    [event] = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
