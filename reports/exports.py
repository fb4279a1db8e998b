"""CSV exports: the measures (totals and by month) and the case-level rows behind them.

No names and no NHS numbers, ever; the MRN only for a role that may see patients. Times are
local (the service's zone) in ISO 8601 with their offset.
"""

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import DateTimeField, Value
from django.utils import timezone

from reports.measures import MEASURES, Counts, Filters, Measure, MeasureKey, MeasureReport, measure_cases
from reports.periods import Period

# A cell a spreadsheet would run as a formula (CSV injection) gets a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer rows."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    writer = csv.writer(Echo())
    for row in rows:
        yield writer.writerow([_cell(value) for value in row])


MEASURE_HEADER = [
    "measure",
    "month",
    "period_start",
    "period_end",
    "primary_site",
    "presentation",
    "met",
    "breach",
    "pending",
    "denominator",
    "percent_met",
    "target",
    "target_source",
]


def measure_rows(reports: list[MeasureReport], period: Period, filters: Filters) -> Iterator[list[Any]]:
    yield MEASURE_HEADER
    for report in reports:
        target = report.measure.target
        months: list[tuple[str, Counts]] = [("all", report.total)]
        months += [(f"{month:%Y-%m}", counts) for month, counts in report.months]
        for month, counts in months:
            percent = f"{counts.percent:.1f}" if counts.percent is not None else ""
            yield [
                report.key,
                month,
                period.first.isoformat(),
                period.last.isoformat(),
                filters.primary_site or "all",
                filters.presentation or "all",
                counts.met,
                counts.breach,
                counts.pending,
                counts.denominator,
                percent,
                f"{target.value} {target.unit}",
                target.source,
            ]


CASE_FIELDS = [
    "pk",
    "patient_id",
    "patient__mrn",
    "patient__primary_site",
    "presentation",
    "clock_start",
    "due",
    "first_mri",
    "treatment_plan_agreed_at",
    "treatment_start_at",
    "stopped_at",
    "result",
]


def case_rows(
    measures: list[Measure], *, period: Period, filters: Filters, now: dt.datetime, with_mrn: bool
) -> tuple[list[list[Any]], list[tuple[int, int]]]:
    """The header and one row per case per measure, and the (patient_id, case_id) pairs for the access record.

    One query per measure.
    """
    header = ["measure", "case_id", *(["mrn"] if with_mrn else []), "primary_site", "presentation"]
    header += ["clock_start", "due", "first_whole_spine_mri", "treatment_plan_agreed", "treatment_start"]
    header += ["stopped", "result"]
    rows: list[list[Any]] = [header]
    seen: list[tuple[int, int]] = []
    for measure in measures:
        cases = measure_cases(measure, period=period, filters=filters, now=now).order_by("clock_start", "pk")
        if measure.key == MeasureKey.RT_24H:
            cases = cases.annotate(first_mri=Value(None, output_field=DateTimeField()))  # not part of this measure
        for row in cases.values_list(*CASE_FIELDS):
            values = dict(zip(CASE_FIELDS, row, strict=True))
            seen.append((values["patient_id"], values["pk"]))
            rows.append(
                [
                    measure.key.value,
                    values["pk"],
                    *([values["patient__mrn"]] if with_mrn else []),
                    values["patient__primary_site"],
                    values["presentation"],
                    values["clock_start"],
                    values["due"],
                    values["first_mri"],
                    values["treatment_plan_agreed_at"],
                    values["treatment_start_at"],
                    values["stopped_at"],
                    values["result"],
                ]
            )
    return rows, seen


def measures_for(key: str | None) -> list[Measure]:
    """One measure by its key, or all of them when no key is given; ValueError for an unknown key."""
    return [MEASURES[MeasureKey(key)]] if key else list(MEASURES.values())
