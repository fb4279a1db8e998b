"""The page's closed months, stored, so that a year's report reads a few rows instead of a year of cases.

Why not a faster query: a year at the regional size is 15,670 cases for one measure, and a grouped
query costs in proportion to the cases counted, not to the dozen months shown.

Stored per figure and closed month (`FIGURES`, a `StoredMonth` row each): the measures' counts; for the
other figures one entry per primary site and presentation (counts; every wait, ascending, since percentiles
do not add up; survival's patients with first decision, death and band, each counted once, as of today).

Always the right figure:
- One rule: a stored month is counted by the query that counts open months live (the measures'
  `measures.grouped_by_month`, the others' rows query), grouped also by primary site and presentation so
  every filter reads the same rows. `rule` fingerprints that query (SQL, target, zone) and the stored
  form's version (`Figure.form`): a row counted by another rule or stored in another form is never read.
- Only settled months are stored: for a measure, months whose every case was due when counted
  (`Figure.settles_at`); for the others, months that have ended. They change only with the record.
- A change to the record marks the month: database triggers log the instants that place the affected
  rows in a month, before and after (cases, scans and patients: migration 0003; decisions, assessments
  and the decision times of every patient touched: migration 0004). The page reads a stored month only
  when no logged instant falls inside it, in the statement that reads the row (one snapshot); any other
  month is counted live. The refresh (a periodic task, one at a time) claims the logged changes, then
  recomputes the months they touch and deletes the claimed rows in one transaction (a change committed
  after the claim stays logged).
- The current month (and a closed month not settled yet) reads its settled days stored the same way
  (`StoredDay`, dropped once the month is stored whole); today and the days not settled are counted live.
- A settled month covered in part reads that part stored as one piece where it is kept (`StoredDay`, the
  part's first day to its end: the refresh keeps the part of the month a year ago that "last 12 months"
  covers); any other part-month is counted live.
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
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from cases.clocks import Target
from core.timezones import local_datetime, local_zone
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
    day_range,
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
from reports.models import ClockInputChange, StoredDay, StoredMonth
from reports.periods import Period, QuickRange, quick_range

STORED_MONTHS = 36  # how far back the refresh keeps months (older ones are counted live)
STORED_DAYS = 62  # how far back it looks for the days of months not settled (the current one, the last one)
REFRESH_LOCK = 0x5245504F  # PostgreSQL advisory lock: one refresh at a time
Stored = StoredMonth | StoredDay


def rule(figure: Measure | Figure) -> str:
    """A fingerprint of the query that counts the figure (its SQL and parameters), for fixed dates, and of the
    form it is stored in."""
    if isinstance(figure, Measure):
        figure = FIGURES[figure.key.value]
    target = figure.measure.target if isinstance(figure, MeasureFigure) else None
    return _rule(figure.key, figure.form, target, settings.TIME_ZONE, connection.vendor)


@functools.lru_cache(maxsize=64)
def _rule(key: str, form: int, target: Target | None, zone: str, vendor: str) -> str:
    # Keyed by everything the SQL is built from besides the code: the target as configured and the zone.
    reference = month_range(dt.date(2000, 1, 1))
    now = dt.datetime(2000, 3, 1, tzinfo=dt.UTC)
    query = FIGURES[key].query([reference], now).query
    sql, params = query.sql_with_params()
    return hashlib.sha256(f"{vendor}|form {form}|{sql}|{params!r}".encode()).hexdigest()


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


def fresh_rows(period: Period, now: dt.datetime) -> dict[tuple[str, dt.date], Stored]:
    """The stored months and days the period may read, of every figure, keyed by figure and month (or day):
    whole months inside it, settled, and in the months not settled yet (the current one) its whole settled
    days; each counted by today's rule and with no change logged inside it since. One query for the months,
    one for the days, each one snapshot."""
    whole = [m for m in period.months if m >= period.first and next_month(m) - dt.timedelta(days=1) <= period.last]
    months, days = [], []
    for figure in FIGURES.values():
        current = rule(figure)
        if settled := [month for month in whole if figure.settles_at(month) < now]:
            months.append(Q(measure=figure.key, rule=current, month__in=settled))
        if settled_days := _settled_days(figure, period, now):
            days.append(Q(measure=figure.key, rule=current, day__in=settled_days))
        for first, (_, ends_before) in _part_months(figure, period, now).items():
            days.append(Q(measure=figure.key, rule=current, day=first, ends_before=ends_before))
    found: dict[tuple[str, dt.date], Stored] = {}
    if months:
        found.update({(row.measure, row.month): row for row in _unchanged(StoredMonth, months)})
    if days:  # never a month's key: a day is read only in a month that is not settled, or not whole in the period
        found.update({(row.measure, row.day): row for row in _unchanged(StoredDay, days)})
    return found


def _unchanged[T: (StoredMonth, StoredDay)](model: type[T], wanted: list[Q]) -> list[T]:
    changed = ClockInputChange.objects.filter(at__gte=OuterRef("starts_at"), at__lt=OuterRef("ends_before"))
    return list(model.objects.filter(reduce(operator.or_, wanted)).filter(~Exists(changed)))


def _settled_days(figure: Figure, period: Period, now: dt.datetime) -> list[dt.date]:
    """The period's days, in its months not settled for the figure, whose own figures are settled: every day up
    to the last settled one (a later day settles later), found by stepping back from today."""
    last = timezone.localtime(now).date()
    while figure.settled_after(day_range(last)[1]) >= now:
        last -= dt.timedelta(days=1)
    days: list[dt.date] = []
    for month in reversed(period.months):
        if month > last:
            continue
        if figure.settles_at(month) < now:
            break  # and every month before it
        first, final = max(month, period.first), min(next_month(month) - dt.timedelta(days=1), last, period.last)
        days += [first + dt.timedelta(days=n) for n in range((final - first).days + 1)]
    return sorted(days)


def _part_months(figure: Figure, period: Period, now: dt.datetime) -> dict[dt.date, Range]:
    """The period's part of each settled month it covers only in part (the first month of "last 12 months"),
    by its first day: read stored as one piece where the refresh keeps it (`_kept_pieces`), else counted live."""
    parts: dict[dt.date, Range] = {}
    for month in period.months:
        first, after = max(month, period.first), min(next_month(month), period.last + dt.timedelta(days=1))
        if (first, after) != (month, next_month(month)) and figure.settles_at(month) < now:
            parts[first] = (local_datetime(first), local_datetime(after))
    return parts


def _kept_pieces(figure: Figure, now: dt.datetime) -> dict[dt.date, Range]:
    """What the refresh keeps in `StoredDay`, by first day: each settled day of the months not settled (the
    current one, the last one), and the part of the month a year ago that "last 12 months" covers, from its
    first day to the month's end, as one piece (a day less of it each day)."""
    today = timezone.localtime(now).date()
    days = _settled_days(figure, Period(today - dt.timedelta(days=STORED_DAYS), today), now)
    year = quick_range(QuickRange.LAST_12_MONTHS, today)
    return {**{day: day_range(day) for day in days}, **_part_months(figure, year, now)}


def stored_counts(row: Stored, filters: Filters) -> list[tuple[dt.date, str, int]]:
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
    stored: dict[tuple[str, dt.date], Stored] | None = None,
) -> list[MeasureReport]:
    """Every measure for the period: stored months where they hold, the rest counted live.

    One query for the stored months of all figures (unless the caller read them: `stored`), and one grouped
    query per measure for the months counted live (the current month, a partial first or last month, a
    month changed since it was stored)."""
    stored = fresh_rows(period, now) if stored is None else stored
    reports = []
    for measure in MEASURES.values():
        report = MeasureReport(measure=measure, total=Counts(), months=[(m, Counts()) for m in period.months])
        rows = [row for (key, _), row in stored.items() if key == measure.key.value]
        for row in rows:
            report.add_rows(stored_counts(row, filters))
        report.stored_at = min((row.computed_at for row in rows), default=None)
        live = _live_ranges(period, rows)
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
    figure: RowsFigure, *, period: Period, filters: Filters, stored: dict[tuple[str, dt.date], Stored]
) -> Rows:
    """The figure's rows for the period: the stored months in `stored` (from `fresh_rows`), the others counted
    now for the filters in one query (none when every month is stored)."""
    months = [row for (key, _), row in stored.items() if key == figure.key]
    rows = [entry for month in months for entry in month.counts]
    live = _live_ranges(period, months)
    if live:
        rows += figure.live(live, filters)
    return Rows(rows, min((month.computed_at for month in months), default=None))


def survival(
    *, period: Period, filters: Filters, now: dt.datetime, stored: dict[tuple[str, dt.date], Stored]
) -> tuple[list[outcomes.SurvivalRow], dt.datetime | None]:
    """The survival table as of today (local), closed months read from `stored`."""
    found = figure_rows(SURVIVAL, period=period, filters=filters, stored=stored)
    return outcomes.survival_table(found.rows, filters, now.astimezone(local_zone()).date()), found.stored_at


def referral_to_decision(
    *, period: Period, filters: Filters, stored: dict[tuple[str, dt.date], Stored]
) -> tuple[activity.Percentiles, dt.datetime | None]:
    """Referral to first decision's percentiles, closed months read from `stored`."""
    found = figure_rows(WAITS, period=period, filters=filters, stored=stored)
    return activity.percentiles(found.rows, filters), found.stored_at


def decisions(
    *, period: Period, filters: Filters, stored: dict[tuple[str, dt.date], Stored]
) -> tuple[tuple[int, int, list[tuple[str, str, int]]], dt.datetime | None]:
    """Decisions in total, with no active treatment and per treatment, closed months read from `stored`."""
    found = figure_rows(DECISIONS, period=period, filters=filters, stored=stored)
    return activity.decision_counts(found.rows, filters), found.stored_at


def referrals(
    *, period: Period, filters: Filters, stored: dict[tuple[str, dt.date], Stored]
) -> tuple[tuple[int, list[tuple[str, str, int]]], dt.datetime | None]:
    """Cases referred, in total and by presentation, closed months read from `stored`."""
    found = figure_rows(REFERRALS, period=period, filters=filters, stored=stored)
    return activity.referral_counts(found.rows, filters), found.stored_at


def _live_ranges(period: Period, stored: list[Stored]) -> list[Range]:
    """The period less the stored months and days read: what is counted now."""
    ranges: list[Range] = []
    at = period.starts_at
    for row in sorted(stored, key=operator.attrgetter("starts_at")):
        if at < row.starts_at:
            ranges.append((at, row.starts_at))
        at = max(at, row.ends_before)
    if at < period.ends_before:
        ranges.append((at, period.ends_before))
    return ranges


# --------------------------------------------------------------------------- the refresh


@dataclass
class Refreshed:
    changes: int  # logged changes claimed and cleared
    months: int  # figure-months counted and stored
    days: int = 0  # figure-days counted and stored (in months not settled)


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
    changed_months = _changed(batch, TruncMonth) if claimed else set()
    changed_days = _changed(batch, TruncDate) if claimed else set()
    stored = days = 0
    for figure in FIGURES.values():
        stored += _refresh_figure(figure, now=now, keep=keep, changed=changed_months)
        days += _refresh_days(figure, now=now, changed=changed_days)
    ClockInputChange.objects.filter(batch=batch).delete()
    return Refreshed(changes=claimed, months=stored, days=days)


def _changed(batch: uuid.UUID, trunc: type[TruncMonth] | type[TruncDate]) -> set[dt.date]:
    """The local months (or days) the claimed changes fall in."""
    found = (
        ClockInputChange.objects.filter(batch=batch)
        .annotate(local=trunc("at", tzinfo=local_zone()))
        .order_by()
        .values_list("local", flat=True)
        .distinct()
    )
    return {local_month(value) for value in found}


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


def _refresh_days(figure: Figure, *, now: dt.datetime, changed: set[dt.date]) -> int:
    """Store the pieces kept (`_kept_pieces`: the settled days of the figure's months not settled yet, the part
    of the month a year ago in "last 12 months") that are missing, changed or counted by an old rule, each by
    the month's query for that piece alone; drop the others (their month is stored whole, or no longer the
    part a year ago)."""
    key, current_rule = figure.key, rule(figure)
    pieces = _kept_pieces(figure, now)
    kept, dropped = set(), []
    for pk, first, ends_before, counted_by in StoredDay.objects.filter(measure=key).values_list(
        "pk", "day", "ends_before", "rule"
    ):
        if counted_by == current_rule and first in pieces and pieces[first][1] == ends_before:
            kept.add(first)
        else:
            dropped.append(pk)
    StoredDay.objects.filter(pk__in=dropped).delete()

    def changed_in(first: dt.date, ends_before: dt.datetime) -> bool:
        last = timezone.localtime(ends_before).date() - dt.timedelta(days=1)
        return any(first <= day <= last for day in changed)

    due = sorted(first for first, (_, end) in pieces.items() if first not in kept or changed_in(first, end))
    if not due:
        return 0
    StoredDay.objects.filter(measure=key, day__in=due).delete()
    StoredDay.objects.bulk_create(
        StoredDay(
            measure=key,
            day=first,
            starts_at=pieces[first][0],
            ends_before=pieces[first][1],
            counts=next(iter(figure.count([pieces[first]], now).values()), []),
            rule=current_rule,
            computed_at=now,
        )
        for first in due
    )
    return len(due)
