"""`{% live_times meeting as times %}`: the time each case spent on the live screen, for the meeting's
page (mdt's template asks; mdt never imports live). No query for a meeting not yet held."""

from dataclasses import dataclass, field
from typing import Any

from django import template
from django.utils import timezone

from live.models import LiveSession
from live.timing import MeetingTime, PresentationTime, case_minutes, meeting_time, presentation_times

register = template.Library()


@dataclass
class LiveTimes:
    meeting: MeetingTime | None = None
    cases: dict[int, int] = field(default_factory=dict)
    presentations: list[PresentationTime] = field(default_factory=list)


@register.simple_tag
def live_times(meeting: Any) -> LiveTimes:
    """Minutes per case, per presentation and for the whole meeting, when it was held live (three queries),
    else nothing."""
    if meeting.status == "scheduled":
        return LiveTimes()
    session = LiveSession.objects.select_related("meeting").filter(meeting_id=meeting.pk).first()
    if session is None:
        return LiveTimes()
    now = timezone.now()
    cases = case_minutes(meeting.pk, now)
    presentations = presentation_times(now=now, meeting_id=meeting.pk)
    return LiveTimes(meeting=meeting_time(session, cases, now), cases=cases, presentations=presentations)


@register.filter
def minutes_for(cases: dict[int, int], item_id: int) -> int | None:
    """`{{ times.cases|minutes_for:item.pk }}`: the item's minutes on the screen, None if never shown."""
    return cases.get(item_id)
