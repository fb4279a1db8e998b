"""The measures' closed months, stored, so that a year's report reads a few rows instead of a year of cases.

Why stored figures and not a faster query: at the regional size (100,000 patients) a year's cohort is
15,670 cases for one measure, and every case needs its first MRI, its due time and its result; the
grouped queries already do that in SQL, on indexes, and still cost 20 times what they cost at 5,000
patients, because the work is in proportion to the cases counted, not to the dozen months shown.

Always the right figure:
- One rule: a stored month is counted by `measures.grouped_by_month`, the query that counts the open
  months live, grouped also by primary site and presentation so that every filter of the page reads
  the same rows. `rule` fingerprints that query (its SQL and parameters: target, zone); a row counted
  by another rule is never read.
- Only settled months are stored: months whose every case's due time had passed when they were
  counted (`settles_at`), so no case of theirs can still be pending and their figures no longer change
  with time, only with the record.
- A change to the record marks the month: database triggers (migration 0003) log, for every case,
  scan or patient written, the instants that place the affected cases in a month, before and after.
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
from core.timezones import local_datetime, local_zone
from reports.measures import (
    MEASURES,
    Counts,
    Filters,
    Measure,
    MeasureKey,
    MeasureReport,
    Range,
    Result,
    grouped_by_month,
    local_month,
)
from reports.models import ClockInputChange, StoredMonth
from reports.periods import Period

GROUPS = ("patient__primary_site", "presentation")  # every filter of the page, so one row serves them all
STORED_MONTHS = 36  # how far back the refresh keeps months (older ones are counted live)
# Past the last due time, a day for a clock change: a calendar-day due time can be an hour later
# for a case started in the hour repeated in autumn than for the month's last instant.
SETTLING_MARGIN = dt.timedelta(days=1)
REFRESH_LOCK = 0x5245504F  # PostgreSQL advisory lock: one refresh at a time


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def month_range(month: dt.date) -> Range:
    return local_datetime(month), local_datetime(next_month(month))


def settles_at(measure: Measure, month: dt.date) -> dt.datetime:
    """After this instant no case started in `month` can be pending: every due time has passed."""
    return measure.target.due(month_range(month)[1]) + SETTLING_MARGIN


def rule(measure: Measure) -> str:
    """A fingerprint of the query that counts the measure (its SQL and parameters), for fixed dates."""
    return _rule(measure.key, measure.target, settings.TIME_ZONE, connection.vendor)


@functools.lru_cache(maxsize=64)
def _rule(key: str, target: Target, zone: str, vendor: str) -> str:
    # Keyed by everything the SQL is built from besides the code: the target as configured and the zone.
    reference = month_range(dt.date(2000, 1, 1))
    now = dt.datetime(2000, 3, 1, tzinfo=dt.UTC)
    query = grouped_by_month(MEASURES[MeasureKey(key)], [reference], filters=Filters(), now=now, by=GROUPS).query
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
    """The stored months the period may read: whole months inside it, settled, counted by today's rule and
    with no change logged inside them since. One query, one snapshot."""
    whole = [m for m in period.months if m >= period.first and next_month(m) - dt.timedelta(days=1) <= period.last]
    wanted = [
        Q(measure=measure.key.value, rule=rule(measure), month__in=settled)
        for measure in MEASURES.values()
        if (settled := [month for month in whole if settles_at(measure, month) < now])
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
        if filters.primary_site and site != filters.primary_site:
            continue
        if filters.presentation and presentation != filters.presentation:
            continue
        total = [a + b for a, b in zip(total, counts, strict=True)]
    return [(row.month, result.value, n) for result, n in zip(Result, total, strict=True)]


def measure_reports(*, period: Period, filters: Filters, now: dt.datetime) -> list[MeasureReport]:
    """Every measure for the period: stored months where they hold, the rest counted live.

    One query for the stored months of all measures, and one grouped query per measure for the months
    counted live (the current month, a partial first or last month, a month changed since it was stored)."""
    stored = fresh_rows(period, now)
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
    for measure in MEASURES.values():
        stored += _refresh_measure(measure, now=now, keep=keep, changed=changed_months)
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


def _refresh_measure(measure: Measure, *, now: dt.datetime, keep: int, changed: set[dt.date]) -> int:
    key, current_rule = measure.key.value, rule(measure)
    this_month = timezone.localtime(now).date().replace(day=1)
    months, month = [], this_month
    for _ in range(keep):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        if settles_at(measure, month) < now:
            months.append(month)
    kept = set(StoredMonth.objects.filter(measure=key, rule=current_rule).values_list("month", flat=True))
    due = sorted(m for m in months if m not in kept or m in changed)
    # A stored month outside the kept ones that has changed, or counted by an old rule, is dropped.
    StoredMonth.objects.filter(measure=key).filter(
        ~Q(rule=current_rule) | Q(month__in=changed) & ~Q(month__in=months)
    ).delete()
    if not due:
        return 0
    counts: dict[dt.date, dict[tuple[Any, Any], list[int]]] = {month: {} for month in due}
    results = [result.value for result in Result]
    for row in grouped_by_month(measure, merged(due), filters=Filters(), now=now, by=GROUPS):
        cell = counts[local_month(row["month"])].setdefault((row[GROUPS[0]], row[GROUPS[1]]), [0, 0, 0])
        cell[results.index(row["result"])] += row["n"]
    StoredMonth.objects.filter(measure=key, month__in=due).delete()
    StoredMonth.objects.bulk_create(
        StoredMonth(
            measure=key,
            month=month,
            starts_at=month_range(month)[0],
            ends_before=month_range(month)[1],
            counts=[[site, presentation, *cell] for (site, presentation), cell in sorted(cells.items(), key=str)],
            rule=current_rule,
            computed_at=now,
        )
        for month, cells in counts.items()
    )
    return len(due)
