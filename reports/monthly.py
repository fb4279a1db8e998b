"""The page's closed months, stored, so that a year's report reads a few rows instead of a year of cases.

Why stored figures and not a faster query: at the regional size (100,000 patients) a year's cohort is
15,670 cases for one measure, and every case needs its first MRI, its due time and its result; the
grouped queries already do that in SQL, on indexes, and still cost 20 times what they cost at 5,000
patients, because the work is in proportion to the cases counted, not to the dozen months shown.

What is stored, per figure and closed month (`FIGURES`, one `StoredMonth` row each):
- the three NICE measures: met, breach and pending counts (`MeasureFigure`);
- referrals, decisions by treatment, referral to decision and survival: the rows each figure is folded
  from (`RowsFigure`: reports.activity, reports.outcomes), not the figure itself, since a period's
  percentiles, its patients counted once and survival as of today cannot be added up from monthly
  figures. Survival keeps, per patient decided on in the month, the date of their first decision, their
  death and their band: the page counts who was followed and alive as of its own day.

Always the right figure:
- One rule: a stored month is counted by the query that counts the open months live (for the measures
  `measures.grouped_by_month`; for the others their rows query, narrowed to the page's filters when
  live), grouped also by primary site and presentation so that every filter of the page reads the same
  rows. `rule` fingerprints that query (its SQL and parameters: target, zone); a row counted by another
  rule is never read.
- Only settled months are stored: for a measure, months whose every case's due time had passed when they
  were counted (`Figure.settles_at`), so no case of theirs can still be pending; for the others, months that
  have ended. Their figures no longer change with time, only with the record.
- A change to the record marks the month: database triggers log the instants that place the affected
  rows in a month, before and after: for every case, scan or patient written, the case's suspicion,
  referral and decision-to-treat times (migration 0003); for every decision, assessment, case or patient
  written, the decision times of every patient touched (migration 0004: a patient's first decision, death
  and band are read by every month they were decided on in).
  The page reads a stored month only when no logged instant falls inside it, in the same statement
  that reads the row (one snapshot); any other month of the period is counted live. The refresh
  (a periodic task) claims the logged changes first, then recomputes the months they touch and
  deletes the claimed rows in the same transaction: a change committed after the claim stays logged,
  and every statement of the refresh sees every change it claimed. Refreshes run one at a time.
"""

import datetime as dt
import functools
import hashlib
import operator
import uuid
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from cases.clocks import Target
from core.timezones import local_zone
from reports import activity, outcomes
from reports.figures import (
    DECISIONS,
    FIGURES,
    REFERRALS,
    SURVIVAL,
    WAITS,
    Figure,
    MeasureFigure,
    RowsFigure,
    month_range,
    next_month,
)
from reports.measures import (
    MEASURES,
    Counts,
    Filters,
    Measure,
    MeasureReport,
    Range,
    Result,
    grouped_by_month,
    local_month,
)
from reports.models import ClockInputChange, StoredMonth
from reports.periods import Period

STORED_MONTHS = 36  # how far back the refresh keeps months (older ones are counted live)
REFRESH_LOCK = 0x5245504F  # PostgreSQL advisory lock: one refresh at a time


def rule(figure: Measure | Figure) -> str:
    """A fingerprint of the query that counts the figure (its SQL and parameters), for fixed dates."""
    if isinstance(figure, Measure):
        figure = FIGURES[figure.key.value]
    target = figure.measure.target if isinstance(figure, MeasureFigure) else None
    return _rule(figure.key, target, settings.TIME_ZONE, connection.vendor)


@functools.lru_cache(maxsize=64)
def _rule(key: str, target: Target | None, zone: str, vendor: str) -> str:
    # Keyed by everything the SQL is built from besides the code: the target as configured and the zone.
    reference = month_range(dt.date(2000, 1, 1))
    now = dt.datetime(2000, 3, 1, tzinfo=dt.UTC)
    query = FIGURES[key].query([reference], now).query
    sql, params = query.sql_with_params()
    return hashlib.sha256(f"{vendor}|{sql}|{params!r}".encode()).hexdigest()


def merged(months: list[dt.date]) -> list[Range]:
    """The months as ranges of clock starts, neighbours joined."""
    ranges: list[Range] = []
    for month in sorted(months):
        starts_at, ends_before = month_range(month)
        if ranges and ranges[-1][1] == starts_at:
            ranges[-1] = (ranges[-1][0], ends_before)
        else:
            ranges.append((starts_at, ends_before))
    return ranges


# --------------------------------------------------------------------------- reading


def fresh_rows(period: Period, now: dt.datetime) -> dict[tuple[str, dt.date], StoredMonth]:
    """The stored months the period may read, of every figure: whole months inside it, settled, counted by
    today's rule and with no change logged inside them since. One query, one snapshot."""
    whole = [m for m in period.months if m >= period.first and next_month(m) - dt.timedelta(days=1) <= period.last]
    wanted = [
        Q(measure=figure.key, rule=rule(figure), month__in=settled)
        for figure in FIGURES.values()
        if (settled := [month for month in whole if figure.settles_at(month) < now])
    ]
    if not wanted:
        return {}
    changed = ClockInputChange.objects.filter(at__gte=OuterRef("starts_at"), at__lt=OuterRef("ends_before"))
    rows = StoredMonth.objects.filter(reduce(operator.or_, wanted)).filter(~Exists(changed))
    return {(row.measure, row.month): row for row in rows}


def stored_counts(row: StoredMonth, filters: Filters) -> list[tuple[dt.date, str, int]]:
    """A stored month's (month, result, count) rows for the page's filters."""
    total = [0, 0, 0]
    for site, presentation, *counts in row.counts:
        if filters.admits(site, presentation):
            total = [a + b for a, b in zip(total, counts, strict=True)]
    return [(row.month, result.value, n) for result, n in zip(Result, total, strict=True)]


def measure_reports(
    *,
    period: Period,
    filters: Filters,
    now: dt.datetime,
    stored: dict[tuple[str, dt.date], StoredMonth] | None = None,
) -> list[MeasureReport]:
    """Every measure for the period: stored months where they hold, the rest counted live.

    One query for the stored months of all figures (unless the caller read them: `stored`), and one grouped
    query per measure for the months counted live (the current month, a partial first or last month, a
    month changed since it was stored)."""
    stored = fresh_rows(period, now) if stored is None else stored
    reports = []
    for measure in MEASURES.values():
        report = MeasureReport(measure=measure, total=Counts(), months=[(m, Counts()) for m in period.months])
        rows = [stored[key] for month in period.months if (key := (measure.key.value, month)) in stored]
        for row in rows:
            report.add_rows(stored_counts(row, filters))
        report.stored_at = min((row.computed_at for row in rows), default=None)
        live = _live_ranges(period, {row.month for row in rows})
        if live:
            counted = grouped_by_month(measure, live, filters=filters, now=now)
            report.add_rows((local_month(row["month"]), row["result"], row["n"]) for row in counted)
        reports.append(report)
    return reports


@dataclass
class Rows:
    """A rows figure's rows for a period: the stored months' and those counted now, and when the stored
    ones were computed (the oldest; None when every month was counted now)."""

    rows: list[Any]
    stored_at: dt.datetime | None


def figure_rows(
    figure: RowsFigure, *, period: Period, filters: Filters, stored: dict[tuple[str, dt.date], StoredMonth]
) -> Rows:
    """The figure's rows for the period: the stored months in `stored` (from `fresh_rows`), the others counted
    now for the filters in one query (none when every month is stored)."""
    months = [stored[key] for month in period.months if (key := (figure.key, month)) in stored]
    rows = [figure.loaded(row) for month in months for row in month.counts]
    live = _live_ranges(period, {month.month for month in months})
    if live:
        rows += figure.live(live, filters)
    return Rows(rows, min((month.computed_at for month in months), default=None))


def survival(
    *, period: Period, filters: Filters, now: dt.datetime, stored: dict[tuple[str, dt.date], StoredMonth]
) -> tuple[list[outcomes.SurvivalRow], dt.datetime | None]:
    """The survival table as of today (local), closed months read from `stored`."""
    found = figure_rows(SURVIVAL, period=period, filters=filters, stored=stored)
    return outcomes.survival_table(found.rows, filters, now.astimezone(local_zone()).date()), found.stored_at


def referral_to_decision(
    *, period: Period, filters: Filters, stored: dict[tuple[str, dt.date], StoredMonth]
) -> tuple[activity.Percentiles, dt.datetime | None]:
    """Referral to first decision's percentiles, closed months read from `stored`."""
    found = figure_rows(WAITS, period=period, filters=filters, stored=stored)
    return activity.percentiles(found.rows, filters), found.stored_at


def decisions(
    *, period: Period, filters: Filters, stored: dict[tuple[str, dt.date], StoredMonth]
) -> tuple[tuple[int, int, list[tuple[str, str, int]]], dt.datetime | None]:
    """Decisions in total, with no active treatment and per treatment, closed months read from `stored`."""
    found = figure_rows(DECISIONS, period=period, filters=filters, stored=stored)
    return activity.decision_counts(found.rows, filters), found.stored_at


def referrals(
    *, period: Period, filters: Filters, stored: dict[tuple[str, dt.date], StoredMonth]
) -> tuple[tuple[int, list[tuple[str, str, int]]], dt.datetime | None]:
    """Cases referred, in total and by presentation, closed months read from `stored`."""
    found = figure_rows(REFERRALS, period=period, filters=filters, stored=stored)
    return activity.referral_counts(found.rows, filters), found.stored_at


def _live_ranges(period: Period, stored: set[dt.date]) -> list[Range]:
    ranges: list[Range] = []
    for month in period.months:
        if month in stored:
            continue
        starts_at, ends_before = month_range(month)
        starts_at, ends_before = max(starts_at, period.starts_at), min(ends_before, period.ends_before)
        if ranges and ranges[-1][1] == starts_at:
            ranges[-1] = (ranges[-1][0], ends_before)
        else:
            ranges.append((starts_at, ends_before))
    return ranges


# --------------------------------------------------------------------------- the refresh


@dataclass
class Refreshed:
    changes: int  # logged changes claimed and cleared
    months: int  # measure-months counted and stored


@transaction.atomic
def refresh(*, now: dt.datetime | None = None, keep: int = STORED_MONTHS) -> Refreshed:
    """Store every settled month of the last `keep` months that is missing, changed or counted by an old rule.

    Claims the logged changes before it reads anything else, so every change it clears is in the figures
    it stores; a change committed later stays logged and its month is counted live until the next run."""
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
    batch = uuid.uuid4()
    claimed = ClockInputChange.objects.filter(batch__isnull=True).update(batch=batch)
    changed_months = _changed_months(batch) if claimed else set()
    stored = 0
    for figure in FIGURES.values():
        stored += _refresh_figure(figure, now=now, keep=keep, changed=changed_months)
    ClockInputChange.objects.filter(batch=batch).delete()
    return Refreshed(changes=claimed, months=stored)


def _changed_months(batch: uuid.UUID) -> set[dt.date]:
    months = (
        ClockInputChange.objects.filter(batch=batch)
        .annotate(month=TruncMonth("at", tzinfo=local_zone()))
        .order_by()
        .values_list("month", flat=True)
        .distinct()
    )
    return {local_month(month) for month in months}


def _refresh_figure(figure: Figure, *, now: dt.datetime, keep: int, changed: set[dt.date]) -> int:
    key, current_rule = figure.key, rule(figure)
    this_month = timezone.localtime(now).date().replace(day=1)
    months, month = [], this_month
    for _ in range(keep):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        if figure.settles_at(month) < now:
            months.append(month)
    kept = set(StoredMonth.objects.filter(measure=key, rule=current_rule).values_list("month", flat=True))
    due = sorted(m for m in months if m not in kept or m in changed)
    # A stored month outside the kept ones that has changed, or counted by an old rule, is dropped.
    StoredMonth.objects.filter(measure=key).filter(
        ~Q(rule=current_rule) | Q(month__in=changed) & ~Q(month__in=months)
    ).delete()
    if not due:
        return 0
    counted = figure.count(merged(due), now)
    StoredMonth.objects.filter(measure=key, month__in=due).delete()
    StoredMonth.objects.bulk_create(
        StoredMonth(
            measure=key,
            month=month,
            starts_at=month_range(month)[0],
            ends_before=month_range(month)[1],
            counts=counted.get(month, []),
            rule=current_rule,
            computed_at=now,
        )
        for month in due
    )
    return len(due)
