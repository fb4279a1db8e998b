"""Outcomes for the service audit: grades before and after treatment, and survival against the Tokuhashi band.

Each is one grouped query; Python only folds the grouped rows into tables.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate

from cases import scoring
from cases.choices import AmbulatoryStatus, FrankelGrade
from cases.models import Assessment, Case
from cases.models.assessments import ScoreKind
from core.timezones import local_zone
from mdt.models import Decision
from reports.measures import Filters
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


def survival(*, period: Period, filters: Filters, today: dt.date) -> list[SurvivalRow]:
    """Observed survival from the first decision, by the latest revised Tokuhashi band: one grouped query.

    Patients with a current decision made in the period; survival runs from their first current
    decision (local date) to `died_on`, and the living are censored today. "Followed 6 months":
    the first decision was at least 183 days ago, so everyone counted could have reached it.
    """
    zone = local_zone()
    current = Decision.objects.current()
    patient = OuterRef("case__patient")
    # One row per patient: their first current decision (no earlier one; the lower id on a tie)...
    earlier = current.filter(case__patient=patient).filter(
        Q(decided_at__lt=OuterRef("decided_at")) | Q(decided_at=OuterRef("decided_at"), pk__lt=OuterRef("pk"))
    )
    # ...for patients with a current decision in the period (the filters apply to that decision's case).
    in_period = current.filter(
        filters.cases("case__"),
        case__patient=patient,
        decided_at__gte=period.starts_at,
        decided_at__lt=period.ends_before,
    )
    tokuhashi = (
        Assessment.objects.filter(
            case__patient=patient, kind=ScoreKind.TOKUHASHI, version=scoring.TOKUHASHI_REVISED.version, complete=True
        )
        .order_by("-assessed_at", "-id")
        .values("band")[:1]
    )
    died = "case__patient__died_on"
    followed = {months: today - dt.timedelta(days=days) for months, days in ((6, SIX_MONTHS), (12, TWELVE_MONTHS))}
    lived = {months: dt.timedelta(days=days) for months, days in ((6, SIX_MONTHS), (12, TWELVE_MONTHS))}
    rows = (
        current.filter(~Exists(earlier), Exists(in_period))
        .annotate(
            first_decided_on=TruncDate("decided_at", tzinfo=zone),
            band_key=Coalesce(Subquery(tokuhashi), Value(NOT_SCORED)),
        )
        .annotate(survived=ExpressionWrapper(F(died) - F("first_decided_on"), output_field=DurationField()))
        .order_by()
        .values("band_key")
        .annotate(
            patients=Count("pk"),
            deaths=Count("pk", filter=Q(**{f"{died}__isnull": False})),
            **{
                f"{name}_{months}": Count(
                    "pk",
                    filter=Q(first_decided_on__lte=followed[months])
                    & (Q() if name == "followed" else Q(**{f"{died}__isnull": True}) | Q(survived__gte=lived[months])),
                )
                for months in (6, 12)
                for name in ("followed", "alive")
            },
        )
    )
    return _by_band({row["band_key"]: dict(row) for row in rows})
