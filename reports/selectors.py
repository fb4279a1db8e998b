"""Reads behind the service audit page, each a fixed number of aggregate queries however many cases.

Python only ever loops over aggregated rows (months, meetings, treatment keys, grades), never
over cases.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
)

from mdt.models import AgendaItem, Attendance, Meeting, Member
from reports import monthly
from reports.activity import (
    Percentiles,
    decision_counts,
    decision_groups,
    decision_rows,
    percentiles,
    referral_counts,
    referral_groups,
    referral_rows,
    wait_groups,
    wait_rows,
)
from reports.measures import Filters, MeasureReport
from reports.outcomes import CrossTable, SurvivalRow, outcome_tables
from reports.periods import Period

# --------------------------------------------------------------------------- activity


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    discussed: int
    carried_forward: int
    quorate: bool


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
    """Cases referred in the period, in total and by presentation, every month counted now (the page reads
    closed months stored: reports.monthly). One grouped query."""
    rows = referral_rows([(period.starts_at, period.ends_before)], filters)
    return referral_counts(referral_groups(rows), filters)


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
    """Current decisions made in the period, counted per treatment key (a decision may choose several), every
    month counted now (the page reads closed months stored: reports.monthly). One grouped query."""
    rows = decision_rows([(period.starts_at, period.ends_before)], filters)
    return decision_counts(decision_groups(rows), filters)


def referral_to_decision(*, period: Period, filters: Filters) -> Percentiles:
    """Referral to first current decision, for cases whose first decision was made in the period, every month
    counted now (the page reads closed months stored: reports.monthly). One grouped query."""
    return percentiles(wait_groups(wait_rows([(period.starts_at, period.ends_before)], filters)), filters)


def activity(
    *,
    period: Period,
    filters: Filters,
    now: dt.datetime,
    referred: tuple[int, list[tuple[str, str, int]]],
    decided: tuple[int, int, list[tuple[str, str, int]]],
    waits: Percentiles,
) -> Activity:
    """The period's activity; the referrals, decisions and waits as read by the caller (stored months and live)."""
    total, by_presentation = referred
    decisions, no_treatment, by_treatment = decided
    return Activity(
        referrals=total,
        referrals_by_presentation=by_presentation,
        meetings=meetings_held(period=period, filters=filters, now=now),
        decisions=decisions,
        decisions_no_treatment=no_treatment,
        by_treatment=by_treatment,
        referral_to_decision=waits,
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
    figures_stored_at: list[dt.datetime] = field(default_factory=list)  # of the other stored figures

    @property
    def stored_at(self) -> dt.datetime | None:
        """When the stored months the page read were computed (the oldest); None when all were counted now."""
        return min([*(m.stored_at for m in self.measures if m.stored_at), *self.figures_stored_at], default=None)


def service_report(*, period: Period, filters: Filters, now: dt.datetime) -> ServiceReport:
    """Everything on the page: eleven queries, the same for ten cases or a hundred thousand (one more per
    measure when a month of its period is stored but changed since and another is not, as for the current one).

    The measures, the referrals, the decisions, the survival table and the referral-to-decision waits read
    their closed months stored (reports.monthly, one query for all), the current month's settled days stored
    (one query for all) and count the others now."""
    frankel, walking = outcome_tables(period=period, filters=filters)
    stored = monthly.fresh_rows(period, now)
    survival, survival_stored = monthly.survival(period=period, filters=filters, now=now, stored=stored)
    waits, waits_stored = monthly.referral_to_decision(period=period, filters=filters, stored=stored)
    referred, referrals_stored = monthly.referrals(period=period, filters=filters, stored=stored)
    decided, decisions_stored = monthly.decisions(period=period, filters=filters, stored=stored)
    return ServiceReport(
        period=period,
        filters=filters,
        now=now,
        measures=monthly.measure_reports(period=period, filters=filters, now=now, stored=stored),
        activity=activity(period=period, filters=filters, now=now, referred=referred, decided=decided, waits=waits),
        frankel=frankel,
        walking=walking,
        survival=survival,
        figures_stored_at=[at for at in (survival_stored, waits_stored, referrals_stored, decisions_stored) if at],
    )
