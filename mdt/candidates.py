"""Cases awaiting discussion at a meeting: the coordinator's candidate list.

The list is the union of named sources, each a function from the meeting (and the
previous meeting) to a queryset of case ids. A case found by several sources shows
every reason once. Add a source by writing one function and listing it in SOURCES.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Exists, F, OuterRef, QuerySet, Value, When

from cases.choices import MRI_MODALITIES, CaseStatus, Presentation
from cases.models import Case, Scan
from core.db import serial_plans
from core.timezones import local_day
from mdt.models import AgendaItem, Decision, FollowUp, Meeting

# Without a previous meeting, an MRI reported in this window counts as new.
NEW_REPORT_WINDOW = dt.timedelta(days=7)
CANDIDATE_LIMIT = 200
# What the candidate list shows of each case (mdt/_agenda_add.html): up to 200 rows, so not every column
# of the case and the patient (another field read from a candidate is one query more for each).
SHOWN = ("presentation", "status", "patient__family_name", "patient__given_name", "patient__mrn")


@dataclass(frozen=True)
class Context:
    meeting: Meeting
    previous: Meeting | None

    @property
    def since(self) -> dt.datetime:
        return self.previous.starts_at if self.previous else self.meeting.starts_at - NEW_REPORT_WINDOW


@dataclass
class Candidate:
    case: Case
    sources: list[str] = field(default_factory=list)  # AgendaItem.Source values, in SOURCES order

    @property
    def source(self) -> str:
        return self.sources[0]

    @property
    def reasons(self) -> list[str]:
        return [AgendaItem.Source(source).label for source in self.sources]


def awaiting_mdt(ctx: Context) -> QuerySet[Case]:
    return Case.objects.filter(status=CaseStatus.AWAITING_MDT)


def new_mri_report(ctx: Context) -> QuerySet[Case]:
    """An MRI reported since the previous meeting started (or in the last week)."""
    reported = Scan.objects.filter(modality__in=MRI_MODALITIES, reported_at__gte=ctx.since)
    return Case.objects.filter(pk__in=reported.values("case_id"))


def not_discussed_last_meeting(ctx: Context) -> QuerySet[Case]:
    if ctx.previous is None:
        return Case.objects.none()
    carried = AgendaItem.objects.filter(meeting=ctx.previous, status=AgendaItem.Status.NOT_DISCUSSED)
    return Case.objects.filter(pk__in=carried.values("case_id"))


def follow_up_asks_rediscussion(ctx: Context) -> QuerySet[Case]:
    """Open follow-ups due by the meeting day that ask for the case to come back to the MDT."""
    day = local_day(ctx.meeting.starts_at)
    due = FollowUp.objects.open().filter(rediscuss=True, due_on__lte=day)
    return Case.objects.filter(pk__in=due.values("case_id"))


def urgent_decision_to_ratify(ctx: Context) -> QuerySet[Case]:
    """Urgent decisions made between meetings that no meeting has ratified yet."""
    return Case.objects.filter(pk__in=Decision.objects.urgent_unratified().values("case_id"))


Source = Callable[[Context], QuerySet[Case]]
SOURCES: list[tuple[str, Source]] = [
    (AgendaItem.Source.CARRIED_FORWARD, not_discussed_last_meeting),
    (AgendaItem.Source.RATIFICATION, urgent_decision_to_ratify),
    (AgendaItem.Source.AWAITING_MDT, awaiting_mdt),
    (AgendaItem.Source.NEW_MRI_REPORT, new_mri_report),
    (AgendaItem.Source.FOLLOW_UP, follow_up_asks_rediscussion),
]


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.active()
        .filter(starts_at__lt=meeting.starts_at)
        .exclude(pk=meeting.pk)
        .order_by("-starts_at", "-id")
        .first()
    )


def agenda_candidates(*, meeting: Meeting, limit: int = CANDIDATE_LIMIT) -> list[Candidate]:
    """Cases to offer for the agenda: one query per source, one for the cases. Most urgent first.

    Leaves out cases already on this meeting (withdrawn ones too: list them again by number),
    cases listed on another meeting still to be held, closed cases and patients who have died.
    """
    ctx = Context(meeting, previous_meeting(meeting))
    by_case: dict[int, list[str]] = {}
    with serial_plans():  # each source walks the cases newest first and stops at `limit` (core.db)
        for key, source in SOURCES:
            queryset = source(ctx)
            if queryset.query.is_empty():
                continue
            for case_id in queryset.values_list("pk", flat=True)[:limit]:
                by_case.setdefault(case_id, []).append(key)
    if not by_case:
        return []
    listed_elsewhere = AgendaItem.objects.filter(
        status=AgendaItem.Status.LISTED,
        meeting__status__in=[Meeting.Status.SCHEDULED, Meeting.Status.IN_PROGRESS],
    ).exclude(meeting=meeting)
    mscc_first = models.Case(
        When(presentation=Presentation.SUSPECTED_MSCC, then=Value(0)),
        default=Value(1),
        output_field=models.IntegerField(),
    )
    cases = (
        Case.objects.filter(pk__in=by_case)
        .exclude(status=CaseStatus.CLOSED)
        .exclude(patient__died_on__isnull=False)
        .exclude(agenda_items__meeting=meeting)
        .exclude(Exists(listed_elsewhere.filter(case=OuterRef("pk"))))
        .select_related("patient")
        .only(*SHOWN)
        .annotate(mscc_first=mscc_first)
        .order_by("mscc_first", F("suspected_diagnosis_at").asc(nulls_last=True), "referred_at", "id")[:limit]
    )
    return [Candidate(case, by_case[case.pk]) for case in cases]
