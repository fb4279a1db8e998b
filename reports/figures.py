"""The figures of the service audit whose closed months are stored (reports.monthly), and how each is counted.

A figure has a query that counts months (by local month, and by every filter group of the page: primary
site and presentation), the stored form of a month (JSON, versioned by `form`) and when a month, or a day, is
settled. The measures store their counts; the other figures store what their page figure is folded from
(reports.activity, reports.outcomes) in a compact form, one entry per filter group, the same form the months
counted now are put in before the fold: counts where the page shows counts, each case's wait, each patient
once with the dates survival is counted from.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet

from core.timezones import local_datetime
from reports import activity, outcomes
from reports.measures import MEASURES, Filters, Measure, Range, Result, grouped_by_month, local_month

GROUPS = ("patient__primary_site", "presentation")  # every filter of the page, so one row serves them all
# Past the last due time, a day for a clock change: a calendar-day due time can be an hour later
# for a case started in the hour repeated in autumn than for the month's last instant.
SETTLING_MARGIN = dt.timedelta(days=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def month_range(month: dt.date) -> Range:
    return local_datetime(month), local_datetime(next_month(month))


def day_range(day: dt.date) -> Range:
    return local_datetime(day), local_datetime(day + dt.timedelta(days=1))


class Figure:
    """A figure of the page whose closed months are stored: the query that counts a month, and when a month
    is settled (nothing in it can change any more with time, only with the record)."""

    key: str
    form = 1  # the version of the stored form (`count`), part of reports.monthly.rule

    def query(self, ranges: list[Range], now: dt.datetime) -> QuerySet[Any]:
        """The rows of the months in `ranges`, each with its local "month", by every filter group."""
        raise NotImplementedError

    def settles_at(self, month: dt.date) -> dt.datetime:
        return self.settled_after(month_range(month)[1])

    def settled_after(self, ends_before: dt.datetime) -> dt.datetime:
        """After this instant nothing started before `ends_before` can change with time, only with the record."""
        raise NotImplementedError

    def count(self, ranges: list[Range], now: dt.datetime) -> dict[dt.date, list[list[Any]]]:
        """The stored form of the months in `ranges`: JSON rows per month, in a fixed order."""
        raise NotImplementedError


class MeasureFigure(Figure):
    """A NICE measure: [primary site, presentation, met, breach, pending] per group."""

    def __init__(self, measure: Measure) -> None:
        self.measure, self.key = measure, measure.key.value

    def query(self, ranges: list[Range], now: dt.datetime) -> QuerySet[Any]:
        return grouped_by_month(self.measure, ranges, filters=Filters(), now=now, by=GROUPS)

    def settled_after(self, ends_before: dt.datetime) -> dt.datetime:
        """After this instant no case started before `ends_before` can be pending: every due time has passed."""
        return self.measure.target.due(ends_before) + SETTLING_MARGIN

    def count(self, ranges: list[Range], now: dt.datetime) -> dict[dt.date, list[list[Any]]]:
        counts: dict[dt.date, dict[tuple[Any, Any], list[int]]] = {}
        results = [result.value for result in Result]
        for row in self.query(ranges, now):
            month = counts.setdefault(local_month(row["month"]), {})
            cell = month.setdefault((row[GROUPS[0]], row[GROUPS[1]]), [0, 0, 0])
            cell[results.index(row["result"])] += row["n"]
        return {
            month: [[site, presentation, *cell] for (site, presentation), cell in sorted(cells.items(), key=str)]
            for month, cells in counts.items()
        }


class RowsFigure(Figure):
    """A figure folded from rows (each led by primary site and presentation) by its own function: the stored
    months keep, in the figure's compact form (`grouped`: one entry per filter group), what every filter group
    needs, and the page folds them with the months counted now for its filters, put in the same form (the
    same query, narrowed to the filters: `query(ranges, filters)`)."""

    def __init__(
        self,
        key: str,
        query: Callable[[list[Range], Filters | None], QuerySet[Any]],
        grouped: Callable[[Iterable[dict[str, Any]]], list[list[Any]]],
        form: int,
    ) -> None:
        self.key, self._query, self.grouped, self.form = key, query, grouped, form

    def query(self, ranges: list[Range], now: dt.datetime) -> QuerySet[Any]:
        return self._query(ranges, None)

    def live(self, ranges: list[Range], filters: Filters) -> list[list[Any]]:
        """The months in `ranges` for `filters`, in the stored form."""
        return self.grouped(self._query(ranges, filters))

    def settled_after(self, ends_before: dt.datetime) -> dt.datetime:
        """Decisions have no due time: a month, or a day, is settled once it has ended."""
        return ends_before

    def count(self, ranges: list[Range], now: dt.datetime) -> dict[dt.date, list[list[Any]]]:
        rows: dict[dt.date, list[dict[str, Any]]] = {}
        for row in self.query(ranges, now):
            rows.setdefault(local_month(row["month"]), []).append(row)
        return {month: self.grouped(found) for month, found in rows.items()}


# The stored forms: a change to one is a new `form`, so that a month stored in the old one is never read
# (it is part of reports.monthly.rule) and the refresh counts it again.
SURVIVAL = RowsFigure("survival", outcomes.survival_rows, outcomes.survival_groups, form=2)
REFERRALS = RowsFigure("referrals", activity.referral_rows, activity.referral_groups, form=1)
DECISIONS = RowsFigure("decisions", activity.decision_rows, activity.decision_groups, form=2)
WAITS = RowsFigure("decision_waits", activity.wait_rows, activity.wait_groups, form=2)
FIGURES: dict[str, Figure] = {
    **{measure.key.value: MeasureFigure(measure) for measure in MEASURES.values()},
    SURVIVAL.key: SURVIVAL,
    REFERRALS.key: REFERRALS,
    DECISIONS.key: DECISIONS,
    WAITS.key: WAITS,
}
