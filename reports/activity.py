"""The activity figures counted from rows per month, so that closed months can be stored (reports.monthly).

Each in two steps: a query gives rows per local month, primary site and presentation (every filter of the
page); a fold adds such rows, from stored months and from months counted now, into the page's figure for
the filters.
- Referrals: cases referred in the month, by presentation (`referral_rows`, `referral_counts`).
- Decisions: current decisions made in the month, by whether they chose no active treatment and which
  treatments they chose (`decision_rows`, `decision_counts`).
- Referral to decision: the wait from a case's referral to its first current decision, for cases first
  decided in the month (`wait_rows`, `percentiles`).

The rows of a month (stored, reports.monthly) or of the months counted now are kept in one compact form per
figure, one entry per primary site and presentation (`referral_groups`, `decision_groups`, `wait_groups`),
so that a year's stored months decode in proportion to the groups, not to the cases, wherever the fold
needs no more: a decision's treatments as counts, each wait as a number in a sorted list.
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

# An entry: [primary site, presentation, cases referred], as stored.
ReferralGroup = list[Any]
# An entry: [primary site, presentation, decisions, with no active treatment, [choosing each of Treatment.values]].
DecisionGroup = list[Any]
# An entry: [primary site, presentation, [each case's wait in whole microseconds (exact), ascending]].
WaitGroup = list[Any]


def _group_key(entry: list[Any]) -> str:
    return str(entry[:2])  # primary site and presentation: a fixed order for the stored form


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


def referral_groups(rows: Iterable[dict[str, Any]]) -> list[ReferralGroup]:
    """Rows of `referral_rows` in the stored form: cases referred per primary site and presentation."""
    groups: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["site"], row["presentation"])
        groups[key] = groups.get(key, 0) + row["n"]
    return sorted(([site, presentation, n] for (site, presentation), n in groups.items()), key=_group_key)


def referral_counts(rows: Iterable[ReferralGroup], filters: Filters) -> tuple[int, list[tuple[str, str, int]]]:
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


def decision_groups(rows: Iterable[dict[str, Any]]) -> list[DecisionGroup]:
    """Rows of `decision_rows` in the stored form: per primary site and presentation, the decisions, those with
    no active treatment, and those choosing each treatment (in the order of Treatment.values)."""
    groups: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        n = row["n"]
        key = (row["site"], row["case__presentation"])
        group = groups.get(key) or groups.setdefault(key, [0, 0, [0] * len(Treatment.values)])
        group[0] += n
        group[1] += n if row["no_treatment"] else 0
        group[2] = [
            count + (n if row[f"chose_{t}"] else 0) for count, t in zip(group[2], Treatment.values, strict=True)
        ]
    return sorted(([site, presentation, *group] for (site, presentation), group in groups.items()), key=_group_key)


def decision_counts(rows: Iterable[DecisionGroup], filters: Filters) -> tuple[int, int, list[tuple[str, str, int]]]:
    """Decisions in total, with no active treatment, and per treatment (key, label, count), matching `filters`."""
    total = no_treatment = 0
    chosen = [0] * len(Treatment.values)
    for site, presentation, n, none, chose in rows:
        if filters.admits(site, presentation):
            total += n
            no_treatment += none
            chosen = [count + this for count, this in zip(chosen, chose, strict=True)]
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


def wait_groups(rows: Iterable[dict[str, Any]]) -> list[WaitGroup]:
    """Rows of `wait_rows` in the stored form: per primary site and presentation, every case's wait in whole
    microseconds (exact), ascending, a wait repeated for each case that waited it."""
    groups: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        key = (row["patient__primary_site"], row["presentation"])
        groups.setdefault(key, []).extend([_microseconds(row["wait"])] * row["n"])
    return sorted(
        ([site, presentation, sorted(waits)] for (site, presentation), waits in groups.items()), key=_group_key
    )


def _microseconds(wait: dt.timedelta) -> int:
    return (wait.days * 86_400 + wait.seconds) * 1_000_000 + wait.microseconds


def percentiles(rows: Iterable[WaitGroup], filters: Filters) -> Percentiles:
    """Nearest-rank median and 90th percentile (the value at rank ceil(p·n)) of the waits that match `filters`."""
    waits: list[int] = []
    for site, presentation, group in rows:
        if filters.admits(site, presentation):
            waits += group
    waits.sort()  # runs already ascending: a merge
    count = len(waits)

    def nearest_rank(share: float) -> dt.timedelta | None:
        return dt.timedelta(microseconds=waits[math.ceil(share * count) - 1]) if count else None

    return Percentiles(count=count, median=nearest_rank(0.5), p90=nearest_rank(0.9))
