"""Time per case: how long each case was on the live screen, per presentation, per meeting, and the
meetings that over-ran their scheduled end.

A case's time is the sum of its periods on the screen (`CaseTiming`; going back to a case adds a
period). A meeting's time runs from the live start to the live end; it over-ran when the live
meeting ended (or, still running, is now) after the meeting's scheduled end. Minutes are whole
minutes, rounded to the nearest.
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.choices import Presentation
from live.models import CaseTiming, LiveSession


def minutes(duration: dt.timedelta | None) -> int:
    return round(duration.total_seconds() / 60) if duration else 0


def _on_screen(now: dt.datetime) -> ExpressionWrapper:
    return ExpressionWrapper(Coalesce(F("ended_at"), now) - F("started_at"), output_field=DurationField())


def case_minutes(meeting_id: int, now: dt.datetime | None = None) -> dict[int, int]:
    """{agenda item id: minutes on the screen} for one meeting: one query."""
    rows = (
        CaseTiming.objects.filter(meeting_id=meeting_id)
        .values("item_id")
        .annotate(total=Sum(_on_screen(now or timezone.now())))
        .values_list("item_id", "total")
    )
    return {item_id: minutes(total) for item_id, total in rows}


@dataclass(frozen=True)
class MeetingTime:
    meeting_id: int
    starts_at: dt.datetime
    scheduled_minutes: int
    live_minutes: int  # from the live start to its end (or now)
    case_minutes: int  # the cases' time on the screen, added up
    cases: int
    over_by_minutes: int  # after the scheduled end; 0 when it finished in time
    running: bool

    @property
    def over_ran(self) -> bool:
        return self.over_by_minutes > 0

    @property
    def per_case(self) -> float | None:
        return round(self.case_minutes / self.cases, 1) if self.cases else None


def meeting_time(session: LiveSession, case_totals: dict[int, int], now: dt.datetime) -> MeetingTime:
    meeting = session.meeting
    end = session.ended_at or now
    return MeetingTime(
        meeting_id=meeting.pk,
        starts_at=meeting.starts_at,
        scheduled_minutes=minutes(meeting.ends_at - meeting.starts_at),
        live_minutes=minutes(end - session.started_at),
        case_minutes=sum(case_totals.values()),
        cases=len(case_totals),
        over_by_minutes=max(0, minutes(end - meeting.ends_at)),
        running=session.ended_at is None,
    )


def meeting_times(start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> list[MeetingTime]:
    """Every meeting held live that started in [start, end), latest first: two queries."""
    now = now or timezone.now()
    sessions = list(
        LiveSession.objects.filter(meeting__starts_at__gte=start, meeting__starts_at__lt=end)
        .select_related("meeting")
        .order_by("-meeting__starts_at")
    )
    totals: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        CaseTiming.objects.filter(meeting_id__in=[s.meeting_id for s in sessions])
        .values("meeting_id", "item_id")
        .annotate(total=Sum(_on_screen(now)))
        .values_list("meeting_id", "item_id", "total")
    )
    for meeting_id, item_id, total in rows:
        totals[meeting_id][item_id] = minutes(total)
    return [meeting_time(session, totals[session.meeting_id], now) for session in sessions]


@dataclass(frozen=True)
class PresentationTime:
    label: str
    cases: int
    median_minutes: float
    mean_minutes: float
    longest_minutes: int


def presentation_times(
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    now: dt.datetime | None = None,
    *,
    meeting_id: int | None = None,
) -> list[PresentationTime]:
    """Minutes per case by the case's presentation, for meetings that started in [start, end), or for one
    meeting (`meeting_id`, its page): one query."""
    timings = CaseTiming.objects.all()
    if meeting_id is not None:
        timings = timings.filter(meeting_id=meeting_id)
    if start is not None and end is not None:
        timings = timings.filter(meeting__starts_at__gte=start, meeting__starts_at__lt=end)
    rows = (
        timings.values("item_id", "item__case__presentation")
        .annotate(total=Sum(_on_screen(now or timezone.now())))
        .values_list("item__case__presentation", "total")
    )
    by_presentation: dict[str, list[int]] = defaultdict(list)
    for presentation, total in rows:
        by_presentation[presentation].append(minutes(total))
    labels = dict(Presentation.choices)
    return [
        PresentationTime(
            label=str(labels.get(key, key)),
            cases=len(values),
            median_minutes=round(statistics.median(values), 1),
            mean_minutes=round(statistics.fmean(values), 1),
            longest_minutes=max(values),
        )
        for key, values in sorted(by_presentation.items(), key=lambda pair: str(labels.get(pair[0], pair[0])))
    ]
