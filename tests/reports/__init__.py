"""Helpers for the service audit tests: a report for a period, and its totals (records: tests.factories)."""

import datetime as dt

from django.utils import timezone

from reports.measures import Filters
from reports.periods import Period
from reports.selectors import ServiceReport, service_report


def report_for(first: dt.date, last: dt.date, **filters: str) -> ServiceReport:
    return service_report(period=Period(first, last), filters=Filters(**filters), now=timezone.now())


def totals(report: ServiceReport) -> dict[str, tuple[int, int, int]]:
    """measure key -> (met, breach, pending)."""
    return {m.key: (m.total.met, m.total.breach, m.total.pending) for m in report.measures}
