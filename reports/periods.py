"""The report's date range: local dates (the service's zone), both ends included, and the quick ranges."""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from core.timezones import local_datetime


class QuickRange(StrEnum):
    LAST_QUARTER = "last_quarter"
    LAST_12_MONTHS = "last_12_months"
    THIS_YEAR = "this_year"


QUICK_RANGE_LABELS = {
    QuickRange.LAST_QUARTER: "Last quarter",
    QuickRange.LAST_12_MONTHS: "Last 12 months",
    QuickRange.THIS_YEAR: "This year",
}


@dataclass(frozen=True)
class Period:
    first: dt.date  # included
    last: dt.date  # included

    @property
    def starts_at(self) -> dt.datetime:
        """Midnight at the start of the first day, local time."""
        return local_datetime(self.first)

    @property
    def ends_before(self) -> dt.datetime:
        """Midnight after the last day, local time: a datetime is in the period when starts_at <= it < ends_before."""
        return local_datetime(self.last + dt.timedelta(days=1))

    @property
    def months(self) -> list[dt.date]:
        """The first day of each calendar month the period touches, in order."""
        months: list[dt.date] = []
        month = self.first.replace(day=1)
        while month <= self.last:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months

    def __str__(self) -> str:
        return f"{self.first:%-d %b %Y} to {self.last:%-d %b %Y}"


def quick_range(name: QuickRange, today: dt.date | None = None) -> Period:
    """The dates of a quick range, as of `today`.

    Last quarter: the last whole calendar quarter. Last 12 months: the year up to and including
    today. This year: 1 January to today.
    """
    today = today or timezone.localdate()
    if name == QuickRange.LAST_QUARTER:
        this_quarter = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
        last_day = this_quarter - dt.timedelta(days=1)
        return Period(last_day.replace(month=3 * ((last_day.month - 1) // 3) + 1, day=1), last_day)
    if name == QuickRange.LAST_12_MONTHS:
        # The same date a year ago is the day before the first (29 February falls back to the 28th).
        year_ago = today.replace(year=today.year - 1, day=28) if (today.month, today.day) == (2, 29) else None
        year_ago = year_ago or today.replace(year=today.year - 1)
        return Period(year_ago + dt.timedelta(days=1), today)
    return Period(today.replace(month=1, day=1), today)
