"""`{% live_times meeting as times %}`: the time each case spent on the live screen, for the meeting's
page (mdt's template asks; mdt never imports live). No query for a meeting not yet held."""

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.utils import timezone

from live.models import LiveSession
from live.timing import MeetingTime, case_minutes, meeting_time

register = template.Library()


@dataclass
class LiveTimes:
    meeting: MeetingTime | None = None
    cases: dict[int, int] = field(default_factory=dict)


@register.simple_tag
def live_times(meeting: Any) -> LiveTimes:
    """Minutes per case and for the whole meeting, when it was held live (two queries), else nothing."""
    if meeting.status == "scheduled":
        return LiveTimes()
    session = LiveSession.objects.select_related("meeting").filter(meeting_id=meeting.pk).first()
    if session is None:
        return LiveTimes()
    now = timezone.now()
    cases = case_minutes(meeting.pk, now)
    return LiveTimes(meeting=meeting_time(session, cases, now), cases=cases)


@register.filter
def minutes_for(cases: dict[int, int], item_id: int) -> int | None:
    """`{{ times.cases|minutes_for:item.pk }}`: the item's minutes on the screen, None if never shown."""
    return cases.get(item_id)
