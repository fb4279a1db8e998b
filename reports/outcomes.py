"""Outcomes for the service audit: grades before and after treatment, and survival against the Tokuhashi band.

Each is one query; Python only folds its rows into tables. Survival is counted from rows per month of
the decisions (`survival_rows`), so that closed months can be stored (reports.monthly) and folded with
the months counted now, as of today (`survival_table`).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from cases import scoring
from cases.choices import AmbulatoryStatus, FrankelGrade
from cases.models import Assessment, Case
from cases.models.assessments import ScoreKind
from core.timezones import local_zone
from mdt.models import Decision
from reports.measures import Filters, Range
from reports.periods import Period

# Survival checkpoints, in days from the first decision (6 and 12 months).
SIX_MONTHS = 183
TWELVE_MONTHS = 365


NOT_RECORDED = ""


@dataclass
class CrossTable:
    """Counts of cases by a grade before (rows) and after (columns) treatment."""

    title: str
    keys: list[tuple[str, str]]  # (key, short label), best last; NOT_RECORDED at the end
    cells: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.cells.values())

    def rows(self) -> list[tuple[str, list[int], int]]:
        return [
            (label, [self.cells.get((before, after), 0) for after, _ in self.keys], self.row_total(before))
            for before, label in self.keys
        ]

    def row_total(self, before: str) -> int:
        return sum(n for (b, _), n in self.cells.items() if b == before)

    def column_totals(self) -> list[int]:
        return [sum(n for (_, a), n in self.cells.items() if a == after) for after, _ in self.keys]

    def change(self) -> dict[str, int]:
        """Cases recorded both before and after, by whether the grade improved, held or worsened."""
        rank = {key: index for index, (key, _) in enumerate(self.keys) if key != NOT_RECORDED}
        change = {"improved": 0, "unchanged": 0, "worse": 0}
        for (before, after), n in self.cells.items():
            if before in rank and after in rank:
                step = rank[after] - rank[before]
                change["improved" if step > 0 else "worse" if step < 0 else "unchanged"] += n
        return change


FRANKEL_KEYS = [(grade.value, grade.value) for grade in FrankelGrade] + [(NOT_RECORDED, "Not recorded")]
# Worst first, so that a move to the right is an improvement, as for Frankel A -> E.
WALKING_KEYS = [
    (AmbulatoryStatus.NOT_WALKING.value, "Not walking"),
    (AmbulatoryStatus.WALKS_WITH_AID.value, "With an aid"),
    (AmbulatoryStatus.WALKS_UNAIDED.value, "Unaided"),
    (NOT_RECORDED, "Not recorded"),
]


def outcome_tables(*, period: Period, filters: Filters) -> tuple[CrossTable, CrossTable]:
    """Frankel and walking before (at presentation) and after treatment, for outcomes assessed in the period.

    One grouped query (by all four grades), on the index of assessment dates (`case_outcome_assessed_idx`).
    """
    grades = ("frankel_grade", "frankel_after_treatment", "ambulatory_status", "ambulatory_after_treatment")
    rows = (
        Case.objects.filter(filters.cases(), outcome_assessed_on__range=(period.first, period.last))
        .order_by()
        .values_list(*grades)
        .annotate(n=Count("pk"))
    )
    frankel = CrossTable("Frankel grade", FRANKEL_KEYS)
    walking = CrossTable("Walking", WALKING_KEYS)
    for frankel_before, frankel_after, walking_before, walking_after, n in rows:
        frankel.cells[(frankel_before, frankel_after)] = frankel.cells.get((frankel_before, frankel_after), 0) + n
        walking.cells[(walking_before, walking_after)] = walking.cells.get((walking_before, walking_after), 0) + n
    return frankel, walking


# --------------------------------------------------------------------------- survival


@dataclass(frozen=True)
class SurvivalRow:
    band: str
    label: str
    predicted: str
    patients: int
    deaths: int
    followed_6: int
    alive_6: int
    followed_12: int
    alive_12: int

    @staticmethod
    def share(alive: int, followed: int) -> float | None:
        return 100 * alive / followed if followed else None

    @property
    def alive_6_percent(self) -> float | None:
        return self.share(self.alive_6, self.followed_6)

    @property
    def alive_12_percent(self) -> float | None:
        return self.share(self.alive_12, self.followed_12)


NOT_SCORED = "not_scored"


def _by_band(found: dict[str, dict[str, Any]]) -> list[SurvivalRow]:
    """A row for every revised Tokuhashi band and for "not scored", empty ones included."""
    bands = [(band.key, f"{band.low} to {band.high}", band.label) for band in scoring.TOKUHASHI_REVISED.bands]
    result = []
    for key, label, predicted in [*bands, (NOT_SCORED, "Not scored", "—")]:
        row = found.get(key, {})
        result.append(
            SurvivalRow(
                band=key,
                label=label,
                predicted=predicted,
                patients=row.get("patients", 0),
                deaths=row.get("deaths", 0),
                followed_6=row.get("followed_6", 0),
                alive_6=row.get("alive_6", 0),
                followed_12=row.get("followed_12", 0),
                alive_12=row.get("alive_12", 0),
            )
        )
    return result


# An entry: [primary site, presentation, band, [patient ids], [their first decision's local date], [died on]],
# the dates as day numbers (`date.toordinal`), died on None for the living: one per primary site, presentation
# and band, each patient once in it.
SurvivalGroup = list[Any]


def survival_rows(ranges: list[Range], filters: Filters | None = None) -> QuerySet[Any]:
    """Each patient with a current decision made in any of `ranges` (on a case that matches `filters`, if given),
    with what their survival is counted from, by local month of that decision and by its case's primary site
    and presentation: one query.

    For each: the local date of their first current decision ever (survival runs from there), when they
    died, and their latest complete revised Tokuhashi band (NOT_SCORED when none)."""
    zone = local_zone()
    current = Decision.objects.current()
    patient = OuterRef("case__patient")
    first = current.filter(case__patient=patient).order_by("decided_at").values("decided_at")[:1]
    tokuhashi = (
        Assessment.objects.filter(
            case__patient=patient, kind=ScoreKind.TOKUHASHI, version=scoring.TOKUHASHI_REVISED.version, complete=True
        )
        .order_by("-assessed_at", "-id")
        .values("band")[:1]
    )
    decided_in = Q()
    for starts_at, ends_before in ranges:
        decided_in |= Q(decided_at__gte=starts_at, decided_at__lt=ends_before)
    return (
        current.filter(decided_in, (filters or Filters()).cases("case__"))
        .annotate(
            month=TruncMonth("decided_at", tzinfo=zone),
            first_decided_on=TruncDate(Subquery(first), tzinfo=zone),
            band_key=Coalesce(Subquery(tokuhashi), Value(NOT_SCORED)),
        )
        .order_by()
        .values(
            "month",
            "case__patient__primary_site",
            "case__presentation",
            "case__patient",
            "first_decided_on",
            "case__patient__died_on",
            "band_key",
        )
        .distinct()
    )


def survival_groups(rows: Iterable[dict[str, Any]]) -> list[SurvivalGroup]:
    """Rows of `survival_rows` in the stored form (`SurvivalGroup`): patients by primary site, presentation, band."""
    groups: dict[tuple[str, str, str], tuple[list[int], list[int], list[int | None]]] = {}
    for row in rows:
        key = (row["case__patient__primary_site"], row["case__presentation"], row["band_key"])
        ids, firsts, deaths = groups.get(key) or groups.setdefault(key, ([], [], []))
        died_on = row["case__patient__died_on"]
        ids.append(row["case__patient"])
        firsts.append(row["first_decided_on"].toordinal())
        deaths.append(died_on and died_on.toordinal())
    return [[*key, *columns] for key, columns in sorted(groups.items(), key=lambda item: str(item[0]))]


def survival_table(rows: Iterable[SurvivalGroup], filters: Filters, today: dt.date) -> list[SurvivalRow]:
    """Observed survival from the first decision, by the latest revised Tokuhashi band, as of `today`.

    Patients with a current decision in the rows whose case matches `filters`, each counted once; survival
    runs from their first current decision (local date) to `died_on`, and the living are censored today.
    "Followed 6 months": the first decision was at least 183 days ago, so everyone counted could have
    reached it."""
    patients: dict[int, tuple[int, int | None, str]] = {}
    for site, presentation, band, ids, firsts, deaths in rows:
        if filters.admits(site, presentation):
            patients.update(zip(ids, zip(firsts, deaths, repeat(band)), strict=True))
    today_number = today.toordinal()
    checkpoints = [(f"followed_{m}", f"alive_{m}", today_number - d, d) for m, d in CHECKPOINTS]
    found: dict[str, dict[str, Any]] = {}
    for first_decided_on, died_on, band in patients.values():
        row = found.get(band) or found.setdefault(band, dict.fromkeys(COUNTED, 0))
        row["patients"] += 1
        row["deaths"] += died_on is not None
        for followed, alive, decided_by, days in checkpoints:
            if first_decided_on <= decided_by:
                row[followed] += 1
                row[alive] += died_on is None or died_on - first_decided_on >= days
    return _by_band(found)


COUNTED = ("patients", "deaths", "followed_6", "alive_6", "followed_12", "alive_12")
CHECKPOINTS = ((6, SIX_MONTHS), (12, TWELVE_MONTHS))


def survival(*, period: Period, filters: Filters, today: dt.date) -> list[SurvivalRow]:
    """Survival for the period, every month counted now (the page reads closed months stored: reports.monthly)."""
    rows = survival_rows([(period.starts_at, period.ends_before)], filters)
    return survival_table(survival_groups(rows), filters, today)
