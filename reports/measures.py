"""The NICE timeliness measures (docs/clinical-reference.md §8.3), counted by the database.

Each measure is a cohort of cases whose clock started in the period, and a result per case:
- met: the clock stopped at or before its due time;
- breach: it stopped later, or it has not stopped and the due time has passed;
- pending: it has not stopped and is not yet due. Pending cases are left out of the denominator.

These are the states `cases.clocks.Clock` gives one case (met / breached / running or at risk),
computed here in SQL so that a year of a large service is one grouped query per measure.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import (
    Count,
    DateTimeField,
    Expression,
    F,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from cases import clocks
from cases.choices import Presentation, PrimarySite, TreatmentModality
from cases.clocks import Target
from cases.models import Case
from cases.models.record import RADIOTHERAPY_IN_PLAN
from cases.selectors import CLOCK_START, first_whole_spine_mri_at
from core.timezones import local_zone
from reports.db import ClockResult, due_expression
from reports.periods import Period


class MeasureKey(StrEnum):
    MRI_24H = "mri_24h"
    MRI_PLAN_1W = "mri_plan_1w"
    RT_24H = "rt_24h"


class Result(StrEnum):
    MET = "met"
    BREACH = "breach"
    PENDING = "pending"


@dataclass(frozen=True)
class Filters:
    """The report's filters; blank means all."""

    primary_site: str = ""
    presentation: str = ""

    @property
    def description(self) -> str:
        site = PrimarySite(self.primary_site).label if self.primary_site else "All primary sites"
        presentation = Presentation(self.presentation).label if self.presentation else "All presentations"
        return f"{site} · {presentation}"

    def cases(self, prefix: str = "") -> Q:
        """The filters as a condition on cases (`prefix` reaches a case from another model, e.g. "case__")."""
        condition = Q()
        if self.primary_site:
            condition &= Q(**{f"{prefix}patient__primary_site": self.primary_site})
        if self.presentation:
            condition &= Q(**{f"{prefix}presentation": self.presentation})
        return condition

    def admits(self, primary_site: str, presentation: str) -> bool:
        """Whether a row counted for this primary site and presentation is in the filtered figures."""
        return (not self.primary_site or primary_site == self.primary_site) and (
            not self.presentation or presentation == self.presentation
        )


@dataclass(frozen=True)
class Measure:
    key: MeasureKey
    target_key: str
    title: str
    start: Any  # the clock start: an expression over Case, as cases.clocks starts the clock
    start_label: str
    stop_label: str
    cohort: Q
    cohort_text: str
    start_note: str = ""

    @property
    def target(self) -> Target:
        return clocks.target(self.target_key)

    @property
    def definition(self) -> list[str]:
        """What was counted, in words, with the target as configured (written under the measure)."""
        due = f"the {self.start_label} + {self.target.description}"
        if self.target.unit == "days":
            due += " (calendar days, local time)"
        return [
            f"Cohort: {self.cohort_text} whose {self.start_label} falls in the period (local dates, both ends "
            "included).",
            f"Met: {self.stop_label} at or before {due}.",
            f"Breach: {self.stop_label} later than that, or not yet and the due time has passed.",
            "Pending: not yet, and not yet due. Pending cases are not in the denominator.",
            f"Target: {self.target.label}. Source: {self.target.source}; {self.target.version}.",
            *([self.start_note] if self.start_note else []),
        ]

    def stop(self) -> Expression | F:
        """When the clock stopped (NULL while it runs), for a queryset annotated by `cases()`."""
        if self.key == MeasureKey.MRI_PLAN_1W:
            # Both the MRI and the plan: the later of the two, and NULL until both are done. (No plan:
            # NULL. A plan and no MRI: the subquery finds no row, NULL.) The later of the two is taken
            # inside the first-MRI subquery, so it runs once.
            return SqlCase(
                When(treatment_plan_agreed_at__isnull=True, then=None),
                default=first_whole_spine_mri_at(or_later=F("treatment_plan_agreed_at")),
                output_field=DateTimeField(),
            )
        if self.key == MeasureKey.MRI_24H:
            return F("first_mri")
        # cases.clocks.radiotherapy_started: the first fraction; a treatment start counts when
        # radiotherapy is the treatment.
        return Coalesce(
            "radiotherapy_started_at",
            SqlCase(When(treatment_modality=TreatmentModality.RADIOTHERAPY, then=F("treatment_start_at"))),
            output_field=DateTimeField(),
        )


# cases.clocks.clock_start: the MRI clocks start at the suspicion time, or at the referral when it is
# blank (flagged "start assumed" on the case); the audit counts the same start (hazard HAZ-030).
MRI_CLOCK_START = CLOCK_START
MRI_START_LABEL = "suspected-diagnosis time"
MRI_START_NOTE = (
    "Where the suspected-diagnosis time is blank, the clock starts at the referral time, as on the dashboard "
    "(shown there as 'start assumed'); only a whole-spine MRI performed since the clock start stops it."
)

MEASURES: dict[MeasureKey, Measure] = {
    measure.key: measure
    for measure in (
        Measure(
            key=MeasureKey.MRI_24H,
            target_key="mri_whole_spine_24h",
            title="Whole-spine MRI within 24 hours: suspected MSCC with neurology",
            start=MRI_CLOCK_START,
            start_label=MRI_START_LABEL,
            start_note=MRI_START_NOTE,
            stop_label="the first whole-spine MRI performed",
            cohort=Q(presentation=Presentation.SUSPECTED_MSCC),
            cohort_text="cases presenting as suspected MSCC with neurology",
        ),
        Measure(
            key=MeasureKey.MRI_PLAN_1W,
            target_key="mri_whole_spine_1w",
            title="Whole-spine MRI and treatment plan within 1 week: suspected spinal metastases without neurology",
            start=MRI_CLOCK_START,
            start_label=MRI_START_LABEL,
            start_note=MRI_START_NOTE,
            stop_label="both the first whole-spine MRI performed and the treatment plan agreed",
            cohort=Q(presentation=Presentation.SUSPECTED_METASTASES),
            cohort_text="cases presenting as suspected spinal metastases without neurology",
        ),
        Measure(
            key=MeasureKey.RT_24H,
            target_key="rt_start_24h",
            title="Radiotherapy within 24 hours of the decision to treat",
            start=F("decision_to_treat_at"),
            start_label="decision-to-treat time",
            stop_label="the first radiotherapy fraction (treatment start)",
            # cases.clocks.radiotherapy_in_plan: any radiotherapy in the decision starts the clock.
            cohort=Q(decision_to_treat_at__isnull=False) & RADIOTHERAPY_IN_PLAN,
            cohort_text="cases with radiotherapy in the decision to treat, alone or with other treatment",
        ),
    )
}


Range = tuple[dt.datetime, dt.datetime]  # clock starts from (included) and before (excluded)


def measure_cases(measure: Measure, *, period: Period, filters: Filters, now: dt.datetime) -> QuerySet[Any]:
    # QuerySet[Any]: the annotations below are filtered and ordered on by callers, which the
    # django-stubs plugin cannot see through a QuerySet[Case].
    """The cohort of a measure, each case annotated with clock_start, due, stopped_at and result."""
    return cases_started_in(measure, [(period.starts_at, period.ends_before)], filters=filters, now=now)


def cases_started_in(measure: Measure, ranges: list[Range], *, filters: Filters, now: dt.datetime) -> QuerySet[Any]:
    """The cases of the measure's cohort whose clock started in any of `ranges`, annotated as `measure_cases`."""
    started = Q()
    for starts_at, ends_before in ranges:
        started |= Q(clock_start__gte=starts_at, clock_start__lt=ends_before)
    cases = Case.objects.filter(measure.cohort, filters.cases()).annotate(clock_start=measure.start).filter(started)
    if measure.key != MeasureKey.RT_24H:
        # Only an MRI since the clock start stops the clock (cases.clocks.first_whole_spine_mri).
        cases = cases.annotate(first_mri=first_whole_spine_mri_at())
    cases = cases.annotate(due=due_expression(measure.target, "clock_start"), stopped_at=measure.stop())
    labels = (Result.MET.value, Result.BREACH.value, Result.PENDING.value)
    return cases.annotate(result=ClockResult(F("stopped_at"), F("due"), now, labels))


def grouped_by_month(
    measure: Measure, ranges: list[Range], *, filters: Filters, now: dt.datetime, by: tuple[str, ...] = ()
) -> QuerySet[Any]:
    """The cases counted by local month of the clock start, result and the fields `by`: one grouped query.

    The live figures and the stored ones (reports.monthly) are both counted by this query."""
    return (
        cases_started_in(measure, ranges, filters=filters, now=now)
        .annotate(month=TruncMonth("clock_start", tzinfo=local_zone()))
        .order_by()
        .values("month", "result", *by)
        .annotate(n=Count("pk"))
        .order_by("month", "result", *by)
    )


def local_month(value: dt.datetime | dt.date) -> dt.date:
    """A month as TruncMonth returns it (a datetime on PostgreSQL, a date on SQLite) as its first local day."""
    return value.astimezone(local_zone()).date() if isinstance(value, dt.datetime) else value


@dataclass
class Counts:
    met: int = 0
    breach: int = 0
    pending: int = 0

    @property
    def denominator(self) -> int:
        return self.met + self.breach

    @property
    def percent(self) -> float | None:
        """The share met, in percent; None when nothing is due yet."""
        return 100 * self.met / self.denominator if self.denominator else None

    def add(self, result: str, count: int) -> None:
        setattr(self, Result(result).value, getattr(self, Result(result).value) + count)


@dataclass
class MeasureReport:
    measure: Measure
    total: Counts
    months: list[tuple[dt.date, Counts]] = field(default_factory=list)
    stored_at: dt.datetime | None = None  # when the stored months it read were computed (the oldest); None: all live

    @property
    def key(self) -> str:
        return self.measure.key.value

    def add_rows(self, rows: Iterable[tuple[dt.date, str, int]]) -> None:
        """Add counted cases, (month, result, count) each, to their month and to the total."""
        by_month = dict(self.months)
        for month, result, count in rows:
            if month not in by_month:
                by_month[month] = Counts()
                self.months = sorted(by_month.items())
            by_month[month].add(result, count)
            self.total.add(result, count)


def measure_report(measure: Measure, *, period: Period, filters: Filters, now: dt.datetime) -> MeasureReport:
    """Counts per month of the clock start and in total, every month counted live: one grouped query."""
    report = MeasureReport(measure=measure, total=Counts(), months=[(month, Counts()) for month in period.months])
    rows = grouped_by_month(measure, [(period.starts_at, period.ends_before)], filters=filters, now=now)
    report.add_rows((local_month(row["month"]), row["result"], row["n"]) for row in rows)  # <= 3 rows a month
    return report
