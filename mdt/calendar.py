"""The calendar entry for a meeting: no patient data, only the meeting, its case count and a link."""

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event
from icalendar.enums import STATUS

from core.timezones import local_zone
from mdt.models import Meeting

PRODID = "-//Spinal MDT tracker//Meetings//EN"


def meeting_ics(meeting: Meeting, *, page_url: str) -> bytes:
    """VEVENT in the service's zone, with that zone's VTIMEZONE (so BST and GMT both come out right)."""
    zone = local_zone()
    cases = getattr(meeting, "case_count", None)
    count = f"{cases} case{'s' if cases != 1 else ''} on the agenda. " if cases is not None else ""
    event = Event.new(
        uid=f"mdt-meeting-{meeting.pk}@spinal-mdt-tracker",
        summary=meeting.title,
        start=meeting.starts_at.astimezone(zone),
        end=meeting.ends_at.astimezone(zone),
        location=meeting.location or None,
        description=f"{count}Agenda and preparation: {page_url}",
        url=page_url,
        stamp=timezone.now().astimezone(dt.UTC),
        last_modified=meeting.updated_at.astimezone(dt.UTC),
        status=STATUS.CANCELLED if meeting.status == Meeting.Status.CANCELLED else STATUS.CONFIRMED,
    )
    if meeting.video_link:
        event.add("x-video-link", meeting.video_link)
    calendar = Calendar.new(prodid=PRODID, method="PUBLISH", subcomponents=[event])
    # The zone's rules for the year around the meeting: enough for any calendar, and short.
    day = timezone.localdate(meeting.starts_at)
    calendar.add_missing_timezones(first_date=dt.date(day.year - 1, 1, 1), last_date=dt.date(day.year + 2, 1, 1))
    return calendar.to_ical()
