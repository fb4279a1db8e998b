"""Reads behind the service audit page, each a fixed number of aggregate queries however many cases.

Python only ever loops over aggregated rows (months, meetings, treatment keys, grades), never
over cases.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast

from cases.choices import Presentation
from cases.models import Case
from core.timezones import local_zone
from mdt.models import AgendaItem, Attendance, Decision, Meeting, Member, Treatment
from reports.measures import Filters, MeasureReport
from reports.monthly import measure_reports
from reports.outcomes import CrossTable, SurvivalRow, outcome_tables, survival
from reports.periods import Period

# --------------------------------------------------------------------------- activity


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    discussed: int
    carried_forward: int
    quorate: bool


@dataclass(frozen=True)
class Percentiles:
    count: int
    median: dt.timedelta | None
    p90: dt.timedelta | None


@dataclass
class Activity:
    referrals: int
    referrals_by_presentation: list[tuple[str, str, int]]  # key, label, count
    meetings: list[MeetingRow]
    decisions: int
    decisions_no_treatment: int
    by_treatment: list[tuple[str, str, int]]  # key, label, count
    referral_to_decision: Percentiles

    @property
    def not_chosen(self) -> list[str]:
        """The treatments no decision of the period chose (for the PDF, which shows only the chosen ones)."""
        labels = [label for _, label, count in self.by_treatment if not count]
        return labels + ([] if self.decisions_no_treatment else ["No active treatment"])

    @property
    def meetings_held(self) -> int:
        return len(self.meetings)

    @property
    def cases_discussed(self) -> int:
        return sum(row.discussed for row in self.meetings)

    @property
    def discussed_per_meeting(self) -> float | None:
        return self.cases_discussed / len(self.meetings) if self.meetings else None

    @property
    def carried_forward(self) -> int:
        return sum(row.carried_forward for row in self.meetings)

    @property
    def meetings_without_quorum(self) -> int:
        return sum(not row.quorate for row in self.meetings)


def referrals(*, period: Period, filters: Filters) -> tuple[int, list[tuple[str, str, int]]]:
    """Cases referred in the period, in total and by presentation: one query."""
    counts = Case.objects.filter(
        filters.cases(), referred_at__gte=period.starts_at, referred_at__lt=period.ends_before
    ).aggregate(
        total=Count("pk"),
        **{key: Count("pk", filter=Q(presentation=key)) for key in Presentation.values},
    )
    return counts["total"], [(key, label, counts[key]) for key, label in Presentation.choices]


def meetings_held(*, period: Period, filters: Filters, now: dt.datetime) -> list[MeetingRow]:
    """Meetings held in the period (started, not cancelled) with their counts and quorum: one query."""
    items = filters.cases("items__case__")
    quorum = {
        f"has_{role}": Exists(Attendance.objects.filter(meeting=OuterRef("pk"), present=True, member__role=role))
        for role in Member.QUORUM_ROLES
    }
    meetings = (
        Meeting.objects.active()
        .filter(starts_at__gte=period.starts_at, starts_at__lt=period.ends_before, starts_at__lte=now)
        .annotate(
            discussed=Count("items", filter=Q(items__status=AgendaItem.Status.DISCUSSED) & items),
            carried=Count("items", filter=Q(items__status=AgendaItem.Status.NOT_DISCUSSED) & items),
            **quorum,
        )
        .order_by("starts_at", "id")
    )
    return [MeetingRow(m, m.discussed, m.carried, all(getattr(m, name) for name in quorum)) for m in meetings]


def decisions_by_treatment(*, period: Period, filters: Filters) -> tuple[int, int, list[tuple[str, str, int]]]:
    """Current decisions made in the period, counted per treatment key (a decision may choose several): one query."""
    counts = (
        Decision.objects.current()
        .filter(filters.cases("case__"), decided_at__gte=period.starts_at, decided_at__lt=period.ends_before)
        .annotate(treatment_text=Cast("treatments", TextField()))
        .aggregate(
            total=Count("pk"),
            no_treatment=Count("pk", filter=Q(no_treatment=True)),
            # The JSON list as text: '"cebrt"' with its quotes matches that key and no longer one.
            **{key: Count("pk", filter=Q(treatment_text__contains=f'"{key}"')) for key in Treatment.values},
        )
    )
    by_treatment = [(key, label, counts[key]) for key, label in Treatment.choices]
    return counts["total"], counts["no_treatment"], by_treatment


def first_decision_at() -> Subquery:
    """When the case's first current decision was made."""
    current = Decision.objects.current().filter(case=OuterRef("pk"))
    return Subquery(current.order_by("decided_at").values("decided_at")[:1])


def referral_to_decision(*, period: Period, filters: Filters) -> Percentiles:
    """Referral to first current decision, for cases whose first decision was made in the period.

    Nearest-rank percentiles without loading the cases: count them, then fetch the one value at
    offset ceil(p·n) - 1 in order of the wait. Three queries.
    """
    in_period = Decision.objects.current().filter(
        case=OuterRef("pk"), decided_at__gte=period.starts_at, decided_at__lt=period.ends_before
    )
    waits = (
        Case.objects.filter(filters.cases(), Exists(in_period))
        .annotate(first_decided=first_decision_at())
        .filter(first_decided__gte=period.starts_at, first_decided__lt=period.ends_before)
        .annotate(wait=ExpressionWrapper(F("first_decided") - F("referred_at"), output_field=DurationField()))
        .order_by("wait", "pk")
    )
    count = waits.count()

    def nearest_rank(share: float) -> dt.timedelta | None:
        if not count:
            return None
        offset = math.ceil(share * count) - 1
        return waits.values_list("wait", flat=True)[offset : offset + 1].get()

    return Percentiles(count=count, median=nearest_rank(0.5), p90=nearest_rank(0.9))


def activity(*, period: Period, filters: Filters, now: dt.datetime) -> Activity:
    total, by_presentation = referrals(period=period, filters=filters)
    decisions, no_treatment, by_treatment = decisions_by_treatment(period=period, filters=filters)
    return Activity(
        referrals=total,
        referrals_by_presentation=by_presentation,
        meetings=meetings_held(period=period, filters=filters, now=now),
        decisions=decisions,
        decisions_no_treatment=no_treatment,
        by_treatment=by_treatment,
        referral_to_decision=referral_to_decision(period=period, filters=filters),
    )


# --------------------------------------------------------------------------- the whole report


@dataclass
class ServiceReport:
    period: Period
    filters: Filters
    now: dt.datetime
    measures: list[MeasureReport]
    activity: Activity
    frankel: CrossTable
    walking: CrossTable
    survival: list[SurvivalRow]

    @property
    def stored_at(self) -> dt.datetime | None:
        """When the stored months the measures read were computed (the oldest); None when all were counted now."""
        return min((m.stored_at for m in self.measures if m.stored_at), default=None)


def service_report(*, period: Period, filters: Filters, now: dt.datetime) -> ServiceReport:
    """Everything on the page: thirteen queries, the same for ten cases or a hundred thousand."""
    frankel, walking = outcome_tables(period=period, filters=filters)
    return ServiceReport(
        period=period,
        filters=filters,
        now=now,
        measures=measure_reports(period=period, filters=filters, now=now),
        activity=activity(period=period, filters=filters, now=now),
        frankel=frankel,
        walking=walking,
        survival=survival(period=period, filters=filters, today=now.astimezone(local_zone()).date()),
    )
