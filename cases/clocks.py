"""NICE pathway clocks (docs/clinical-reference.md §7.1): when each target started, when it is due, and its state.

Targets come from configuration (config/clinical_targets.toml, or the file named
by CLINICAL_TARGETS_FILE), never from constants here. A target in hours is a
fixed duration; a target in days is calendar days in the service's time zone,
so "within 1 week" from 10:00 on the Saturday before the clocks change is due
at 10:00 local time a week later (docs/clinical-reference.md: "7 calendar days"). A target in
working days counts Monday to Friday except bank holidays (referral plans: docs/clinical-reference.md
§7.1 T11; the bank holidays of the BANK_HOLIDAYS region, core.workdays): from a working day it is due
at the same wall-clock time that many working days later; from a weekend or a bank holiday it counts
from the start of the next working day.
"""

import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from cases.choices import Modality, Presentation, TreatmentModality
from cases.models import Case
from core.timezones import add_local_days
from core.workdays import add_working_days


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    applies_to: str
    starts: str
    stops: str
    value: int
    unit: str  # "hours", "days" or "working_days"
    source: str
    version: str
    at_risk_fraction: float

    def due(self, started_at: dt.datetime) -> dt.datetime:
        if self.unit == "hours":
            # Elapsed hours: add them in UTC (adding to a local time would follow the wall clock across a change).
            return started_at.astimezone(dt.UTC) + dt.timedelta(hours=self.value)
        if self.unit == "working_days":
            naive = add_working_days(timezone.localtime(started_at).replace(tzinfo=None), self.value)
            return timezone.make_aware(naive, timezone.get_current_timezone())
        return add_local_days(started_at, self.value)  # calendar days, on the local wall clock

    def at_risk_from(self, started_at: dt.datetime) -> dt.datetime:
        started_utc = started_at.astimezone(dt.UTC)
        return started_utc + (self.due(started_at) - started_utc) * self.at_risk_fraction

    @property
    def description(self) -> str:
        unit = self.unit.replace("_", " ")
        return f"{self.value} {unit[:-1] if self.value == 1 else unit}"


_REQUIRED = {"label", "applies_to", "starts", "stops", "value", "unit", "source", "version", "at_risk_fraction"}


@cache
def _load(path: Path) -> dict[str, Target]:
    try:
        raw = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ImproperlyConfigured(f"CLINICAL_TARGETS_FILE {path}: {exc}") from exc
    targets: dict[str, Target] = {}
    for key, entry in raw.items():
        missing = _REQUIRED - set(entry)
        if missing:
            raise ImproperlyConfigured(f"{path} [{key}]: missing {', '.join(sorted(missing))}")
        if entry["unit"] not in ("hours", "days", "working_days") or int(entry["value"]) <= 0:
            raise ImproperlyConfigured(
                f"{path} [{key}]: value must be positive and unit 'hours' or 'days' (or 'working_days')"
            )
        if not 0 < float(entry["at_risk_fraction"]) < 1:
            raise ImproperlyConfigured(f"{path} [{key}]: at_risk_fraction must be between 0 and 1")
        targets[key] = Target(key=key, **{name: entry[name] for name in _REQUIRED})
    return targets


def targets() -> dict[str, Target]:
    return _load(Path(settings.CLINICAL_TARGETS_FILE))


def target(key: str) -> Target:
    try:
        return targets()[key]
    except KeyError as exc:
        raise ImproperlyConfigured(f"No clinical target {key!r} in {settings.CLINICAL_TARGETS_FILE}") from exc


class ClockState(StrEnum):
    NOT_STARTED = "not_started"
    RUNNING = "running"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    MET = "met"


STATE_LABELS = {
    ClockState.NOT_STARTED: "Not started",
    ClockState.RUNNING: "Running",
    ClockState.AT_RISK: "At risk",
    ClockState.BREACHED: "Breached",
    ClockState.MET: "Met",
}


def state_of(
    target: Target, started_at: dt.datetime | None, stopped_at: dt.datetime | None, now: dt.datetime
) -> ClockState:
    """The one rule for every clock (the case's NICE clocks, a referral's advice and plan clocks)."""
    if started_at is None:
        return ClockState.NOT_STARTED
    due = target.due(started_at)
    if stopped_at is not None:
        return ClockState.MET if stopped_at <= due else ClockState.BREACHED
    if now > due:
        return ClockState.BREACHED
    if now >= target.at_risk_from(started_at):
        return ClockState.AT_RISK
    return ClockState.RUNNING


@dataclass(frozen=True)
class Clock:
    target: Target
    case: Case
    started_at: dt.datetime | None
    stopped_at: dt.datetime | None
    now: dt.datetime
    missing: str = ""  # why a clock that applies has not started

    @property
    def case_id(self) -> int:
        return self.case.pk

    @property
    def due_at(self) -> dt.datetime | None:
        return self.target.due(self.started_at) if self.started_at else None

    @property
    def state(self) -> ClockState:
        return state_of(self.target, self.started_at, self.stopped_at, self.now)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def is_open(self) -> bool:
        return self.stopped_at is None and self.started_at is not None

    @property
    def remaining(self) -> dt.timedelta | None:
        """Time left (negative once overdue) for a running clock; None otherwise."""
        due = self.due_at
        if due is None or self.stopped_at is not None:
            return None
        return due - self.now

    @property
    def urgency(self) -> tuple[int, dt.datetime]:
        """Sort key: breached first, then at risk, by due time."""
        rank = {ClockState.BREACHED: 0, ClockState.AT_RISK: 1, ClockState.RUNNING: 2}.get(self.state, 3)
        return rank, self.due_at or self.now


# A queryset may annotate each case with its first whole-spine MRI time under this name (see
# cases.selectors.clocks_needing_attention); the clocks then need no scans loaded.
FIRST_MRI_ANNOTATION = "first_whole_spine_mri_at"


def first_whole_spine_mri(case: Case) -> dt.datetime | None:
    """When the first whole-spine MRI of the case was performed (the annotation, or prefetched scans)."""
    if FIRST_MRI_ANNOTATION in case.__dict__:
        annotated: dt.datetime | None = case.__dict__[FIRST_MRI_ANNOTATION]
        return annotated
    times = [
        scan.performed_at
        for scan in case.scans.all()
        if scan.modality == Modality.MRI_WHOLE_SPINE and scan.performed_at is not None
    ]
    return min(times, default=None)


def case_clocks(case: Case, now: dt.datetime | None = None) -> list[Clock]:
    """The clocks that apply to a case. Prefetch `scans` to keep this free of queries."""
    now = now or timezone.now()
    clocks: list[Clock] = []
    mri_at = first_whole_spine_mri(case)
    missing_start = "" if case.suspected_diagnosis_at else "Record when the diagnosis was first suspected."
    if case.presentation == Presentation.SUSPECTED_MSCC:
        clocks.append(
            Clock(target("mri_whole_spine_24h"), case, case.suspected_diagnosis_at, mri_at, now, missing_start)
        )
    elif case.presentation == Presentation.SUSPECTED_METASTASES:
        # Met when both the MRI and the treatment plan are done: it stops at the later of the two.
        stopped = None
        if mri_at and case.treatment_plan_agreed_at:
            stopped = max(mri_at, case.treatment_plan_agreed_at)
        clocks.append(
            Clock(target("mri_whole_spine_1w"), case, case.suspected_diagnosis_at, stopped, now, missing_start)
        )
    if case.treatment_modality == TreatmentModality.RADIOTHERAPY and case.decision_to_treat_at:
        clocks.append(Clock(target("rt_start_24h"), case, case.decision_to_treat_at, case.treatment_start_at, now))
    return clocks


def most_urgent(clocks: Iterable[Clock]) -> list[Clock]:
    return sorted(clocks, key=lambda clock: clock.urgency)
