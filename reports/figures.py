"""The figures of the service audit whose closed months are stored (reports.monthly), and how each is counted.

A figure has a query that counts months (by local month, and by every filter group of the page: primary
site and presentation), the stored form of a month (JSON rows) and when a month, or a day, is settled. The measures
store their counts; the other figures store the rows their page figure is folded from (reports.activity,
reports.outcomes), read back by `loaded` exactly as the live rows are.
"""

import datetime as dt
from collections.abc import Callable
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
    months keep the rows of every filter group, and the page folds them with the rows of the months counted
    now for its filters (the same query, narrowed to the filters: `query(ranges, filters)`)."""

    def __init__(
        self,
        key: str,
        query: Callable[[list[Range], Filters | None], QuerySet[Any]],
        stored: Callable[[dict[str, Any]], list[Any]],
        loaded: Callable[[list[Any]], Any],
    ) -> None:
        self.key, self._query, self.stored, self.loaded = key, query, stored, loaded

    def query(self, ranges: list[Range], now: dt.datetime) -> QuerySet[Any]:
        return self._query(ranges, None)

    def live(self, ranges: list[Range], filters: Filters) -> list[Any]:
        """The rows of the months in `ranges` for `filters`, as the fold reads them."""
        return [self.loaded(self.stored(row)) for row in self._query(ranges, filters)]

    def settled_after(self, ends_before: dt.datetime) -> dt.datetime:
        """Decisions have no due time: a month, or a day, is settled once it has ended."""
        return ends_before

    def count(self, ranges: list[Range], now: dt.datetime) -> dict[dt.date, list[list[Any]]]:
        rows: dict[dt.date, list[list[Any]]] = {}
        for row in self.query(ranges, now):
            rows.setdefault(local_month(row["month"]), []).append(self.stored(row))
        return {month: sorted(found, key=str) for month, found in rows.items()}


def _survival_stored(row: dict[str, Any]) -> list[Any]:
    site, presentation, patient, first_decided_on, died_on, band = outcomes.survival_input(row)
    return [site, presentation, patient, first_decided_on.isoformat(), died_on and died_on.isoformat(), band]


def _survival_loaded(row: list[Any]) -> outcomes.SurvivalInput:
    site, presentation, patient, first_decided_on, died_on, band = row
    died = dt.date.fromisoformat(died_on) if died_on else None
    return site, presentation, patient, dt.date.fromisoformat(first_decided_on), died, band


SURVIVAL = RowsFigure("survival", outcomes.survival_rows, _survival_stored, _survival_loaded)
REFERRALS = RowsFigure("referrals", activity.referral_rows, lambda row: list(activity.referral_row(row)), tuple)


def _decision_loaded(row: list[Any]) -> activity.DecisionRow:
    site, presentation, no_treatment, chose, n = row
    return site, presentation, no_treatment, tuple(chose), n


DECISIONS = RowsFigure(
    "decisions", activity.decision_rows, lambda row: list(activity.decision_row(row)), _decision_loaded
)
WAITS = RowsFigure("decision_waits", activity.wait_rows, lambda row: list(activity.wait_row(row)), tuple)
FIGURES: dict[str, Figure] = {
    **{measure.key.value: MeasureFigure(measure) for measure in MEASURES.values()},
    SURVIVAL.key: SURVIVAL,
    REFERRALS.key: REFERRALS,
    DECISIONS.key: DECISIONS,
    WAITS.key: WAITS,
}
