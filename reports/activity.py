"""The activity figures counted from rows per month, so that closed months can be stored (reports.monthly).

Each in two steps: a query gives rows per local month, primary site and presentation (every filter of the
page); a fold adds such rows, from stored months and from months counted now, into the page's figure for
the filters.
- Referrals: cases referred in the month, by presentation (`referral_rows`, `referral_counts`).
- Decisions: current decisions made in the month, by whether they chose no active treatment and which
  treatments they chose (`decision_rows`, `decision_counts`).
- Referral to decision: the wait from a case's referral to its first current decision, for cases first
  decided in the month; each distinct wait and how many cases waited it (`wait_rows`, `percentiles`).
"""

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, TruncMonth

from cases.choices import Presentation
from cases.models import Case
from core.timezones import local_zone
from mdt.models import Decision, Treatment
from reports.measures import Filters, Range

# A row: (primary site, presentation, cases referred), as stored.
ReferralRow = tuple[str, str, int]
# A row: (primary site, presentation, no active treatment, [chose each of Treatment.values], decisions).
DecisionRow = tuple[str, str, bool, tuple[bool, ...], int]
# A row: (primary site, presentation, wait in microseconds, cases), as stored.
WaitRow = tuple[str, str, int, int]


def referral_rows(ranges: list[Range], filters: Filters | None = None) -> QuerySet[Any]:
    """Cases referred in any of `ranges`, counted by local month of the referral, primary site and presentation;
    with `filters`, only theirs, and the site is the filter's (the patients are read only to filter by site)."""
    referred_in = Q()
    for starts_at, ends_before in ranges:
        referred_in |= Q(referred_at__gte=starts_at, referred_at__lt=ends_before)
    cases = Case.objects.filter(referred_in)
    if filters is None:
        site: Any = F("patient__primary_site")
    else:
        cases, site = cases.filter(filters.cases()), Value(filters.primary_site, output_field=CharField())
    return (
        cases.annotate(month=TruncMonth("referred_at", tzinfo=local_zone()), site=site)
        .order_by()
        .values("month", "site", "presentation")
        .annotate(n=Count("pk"))
        .order_by("month", "site", "presentation")
    )


def referral_row(row: dict[str, Any]) -> ReferralRow:
    return (row["site"], row["presentation"], row["n"])


def referral_counts(rows: Iterable[ReferralRow], filters: Filters) -> tuple[int, list[tuple[str, str, int]]]:
    """Cases referred, in total and by presentation (key, label, count), that match `filters`."""
    counts = dict.fromkeys(Presentation.values, 0)
    for site, presentation, n in rows:
        if filters.admits(site, presentation):
            counts[presentation] = counts.get(presentation, 0) + n
    return sum(counts.values()), [(key, label, counts[key]) for key, label in Presentation.choices]


@dataclass(frozen=True)
class Percentiles:
    count: int
    median: dt.timedelta | None
    p90: dt.timedelta | None


def first_decision_at() -> Subquery:
    """When the case's first current decision was made."""
    current = Decision.objects.current().filter(case=OuterRef("pk"))
    return Subquery(current.order_by("decided_at").values("decided_at")[:1])


def decision_rows(ranges: list[Range], filters: Filters | None = None) -> QuerySet[Any]:
    """Current decisions made in any of `ranges`, counted by local month, their case's primary site and
    presentation, no active treatment, and whether they chose each treatment (a decision may choose several);
    with `filters`, only theirs, and the site is the filter's."""
    decided_in = Q()
    for starts_at, ends_before in ranges:
        decided_in |= Q(decided_at__gte=starts_at, decided_at__lt=ends_before)
    decisions = Decision.objects.current().filter(decided_in)
    if filters is None:
        site: Any = F("case__patient__primary_site")
    else:
        decisions, site = (
            decisions.filter(filters.cases("case__")),
            Value(filters.primary_site, output_field=CharField()),
        )
    # The JSON list as text: '"cebrt"' with its quotes matches that key and no longer one.
    chose = {
        f"chose_{key}": ExpressionWrapper(Q(treatment_text__contains=f'"{key}"'), output_field=BooleanField())
        for key in Treatment.values
    }
    return (
        decisions.annotate(
            month=TruncMonth("decided_at", tzinfo=local_zone()),
            site=site,
            treatment_text=Cast("treatments", TextField()),
        )
        .annotate(**chose)
        .order_by()
        .values("month", "site", "case__presentation", "no_treatment", *chose)
        .annotate(n=Count("pk"))
    )


def decision_row(row: dict[str, Any]) -> DecisionRow:
    chose = tuple(bool(row[f"chose_{key}"]) for key in Treatment.values)
    return (row["site"], row["case__presentation"], bool(row["no_treatment"]), chose, row["n"])


def decision_counts(rows: Iterable[DecisionRow], filters: Filters) -> tuple[int, int, list[tuple[str, str, int]]]:
    """Decisions in total, with no active treatment, and per treatment (key, label, count), matching `filters`."""
    total = no_treatment = 0
    chosen = [0] * len(Treatment.values)
    for site, presentation, none, chose, n in rows:
        if filters.admits(site, presentation):
            total += n
            no_treatment += n if none else 0
            chosen = [count + (n if this else 0) for count, this in zip(chosen, chose, strict=True)]
    counts = dict(zip(Treatment.values, chosen, strict=True))
    return total, no_treatment, [(key, label, counts[key]) for key, label in Treatment.choices]


def wait_rows(ranges: list[Range], filters: Filters | None = None) -> QuerySet[Any]:
    """Cases whose first current decision was made in any of `ranges` (and that match `filters`, if given),
    counted by local month of that decision, primary site, presentation and wait (first decision minus
    referral): one grouped query."""
    decided_in = Q()
    for starts_at, ends_before in ranges:
        decided_in |= Q(decided_at__gte=starts_at, decided_at__lt=ends_before)
    first_in = Q()
    for starts_at, ends_before in ranges:
        first_in |= Q(first_decided__gte=starts_at, first_decided__lt=ends_before)
    in_ranges = Decision.objects.current().filter(decided_in, case=OuterRef("pk"))
    return (
        Case.objects.filter(Exists(in_ranges), (filters or Filters()).cases())
        .annotate(first_decided=first_decision_at())
        .filter(first_in)
        .annotate(
            wait=ExpressionWrapper(F("first_decided") - F("referred_at"), output_field=DurationField()),
            month=TruncMonth("first_decided", tzinfo=local_zone()),
        )
        .order_by()
        .values("month", "patient__primary_site", "presentation", "wait")
        .annotate(n=Count("pk"))
        .order_by("month", "patient__primary_site", "presentation", "wait")
    )


def wait_row(row: dict[str, Any]) -> WaitRow:
    """A row of `wait_rows` as the fold reads it: the wait in whole microseconds (exact)."""
    return (row["patient__primary_site"], row["presentation"], _microseconds(row["wait"]), row["n"])


def _microseconds(wait: dt.timedelta) -> int:
    return (wait.days * 86_400 + wait.seconds) * 1_000_000 + wait.microseconds


def percentiles(rows: Iterable[WaitRow], filters: Filters) -> Percentiles:
    """Nearest-rank median and 90th percentile (the value at rank ceil(p·n)) of the waits that match `filters`."""
    counted: dict[int, int] = {}
    for site, presentation, wait, n in rows:
        if (filters.primary_site and site != filters.primary_site) or (
            filters.presentation and presentation != filters.presentation
        ):
            continue
        counted[wait] = counted.get(wait, 0) + n
    waits = sorted(counted.items())
    count = sum(counted.values())

    def nearest_rank(share: float) -> dt.timedelta | None:
        if not count:
            return None
        rank, seen = math.ceil(share * count), 0
        for wait, n in waits:
            seen += n
            if seen >= rank:
                return dt.timedelta(microseconds=wait)
        raise AssertionError("unreachable: the rank is at most the count")

    return Percentiles(count=count, median=nearest_rank(0.5), p90=nearest_rank(0.9))
