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


# Sections of the same file that are not time targets (cases.steroids reads them).
NOT_TARGETS = frozenset({"dexamethasone"})
_REQUIRED = {"label", "applies_to", "starts", "stops", "value", "unit", "source", "version", "at_risk_fraction"}


@cache
def _load_file(name: str) -> dict[str, Target]:
    return _load(Path(name))


def _load(path: Path) -> dict[str, Target]:
    try:
        raw = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ImproperlyConfigured(f"CLINICAL_TARGETS_FILE {path}: {exc}") from exc
    targets: dict[str, Target] = {}
    for key, entry in raw.items():
        if key in NOT_TARGETS:
            continue
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
    # Kept by the setting's text: a page of clocks asks for a target hundreds of times, and building and hashing
    # a Path each time cost more than the clocks.
    return _load_file(str(settings.CLINICAL_TARGETS_FILE))


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
    ENDED = "ended"  # the patient died before the target was met: nobody is chased for it


STATE_LABELS = {
    ClockState.NOT_STARTED: "Not started",
    ClockState.RUNNING: "Running",
    ClockState.AT_RISK: "At risk",
    ClockState.BREACHED: "Breached",
    ClockState.MET: "Met",
    ClockState.ENDED: "Ended: the patient died",
}

START_ASSUMED = (
    "Start time assumed: the referral time, because the time MSCC or spinal metastases were first "
    "suspected is not recorded. Record it."
)


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
    start_assumed: bool = False  # started from the referral because the suspicion time is blank
    ended_on: dt.date | None = None  # the patient's date of death

    @property
    def warning(self) -> str:
        return START_ASSUMED if self.start_assumed else ""

    @property
    def case_id(self) -> int:
        return self.case.pk

    @property
    def due_at(self) -> dt.datetime | None:
        return self.target.due(self.started_at) if self.started_at else None

    @property
    def state(self) -> ClockState:
        if self.started_at is None:
            return ClockState.NOT_STARTED
        stop = self.stop
        if stop is None and self.ended_on is not None:
            return ClockState.ENDED
        return state_of(self.target, self.started_at, stop, self.now)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def stop(self) -> dt.datetime | None:
        """The stop that counts: one before the start (an older scan, a mistyped time) never meets a target."""
        if self.stopped_at is None or self.started_at is None or self.stopped_at < self.started_at:
            return None
        return self.stopped_at

    @property
    def is_open(self) -> bool:
        return self.stop is None and self.started_at is not None and self.ended_on is None

    @property
    def remaining(self) -> dt.timedelta | None:
        """Time left (negative once overdue) for a running clock; None otherwise."""
        due = self.due_at
        if due is None or not self.is_open:
            return None
        return due - self.now

    @property
    def urgency(self) -> tuple[int, dt.datetime]:
        """Sort key: breached first, then at risk, by due time."""
        rank = {ClockState.BREACHED: 0, ClockState.AT_RISK: 1, ClockState.RUNNING: 2}.get(self.state, 3)
        return rank, self.due_at or self.now

    @property
    def priority(self) -> tuple[int, int, dt.datetime]:
        """The worklists' order of clocks: the clocks of the MSCC emergency first (the first rule of the MRI
        worklists, Scan.objects.by_urgency, and of the agenda: docs/clinical-reference.md §7.1 T1), then the
        urgency (breached, at risk, by due time). A one-week clock long breached never pushes an MSCC clock
        hours from its target down the dashboard."""
        return (0 if self.target.key in EMERGENCY_TARGETS else 1, *self.urgency)


# The clocks of suspected cord compression, an oncological emergency (docs/clinical-reference.md §7.1 T1):
# the MRI within 24 hours, and radiotherapy within 24 hours of the decision (config: "MSCC not suitable
# for surgery, radiotherapy decided"). The one-week MRI clock is for suspected metastases without neurology.
EMERGENCY_TARGETS = frozenset({"mri_whole_spine_24h", "rt_start_24h"})

# A queryset may annotate each case with its first whole-spine MRI since the clock start under this
# name (see cases.selectors.clocks_needing_attention); the clocks then need no scans loaded.
FIRST_MRI_ANNOTATION = "first_whole_spine_mri_at"


def first_whole_spine_mri(case: Case, since: dt.datetime) -> dt.datetime | None:
    """When the first whole-spine MRI of the case performed at or after `since` (the clock start) was done.

    An MRI from before the clock started (a staging scan, an earlier episode) cannot answer a
    suspicion raised later, so it never meets the target. Uses the annotation, or prefetched scans.
    """
    if FIRST_MRI_ANNOTATION in case.__dict__:
        annotated: dt.datetime | None = case.__dict__[FIRST_MRI_ANNOTATION]
        return annotated
    times = [
        scan.performed_at
        for scan in case.scans.all()
        if scan.modality == Modality.MRI_WHOLE_SPINE and scan.performed_at is not None and scan.performed_at >= since
    ]
    return min(times, default=None)


def clock_start(case: Case) -> tuple[dt.datetime, bool]:
    """Where the MRI clocks of a suspected case start, and whether that start is assumed.

    A suspected MSCC with no suspicion time must not drop off every worklist: its clock starts
    at the referral, flagged as assumed, until the coordinator records the real time.
    """
    if case.suspected_diagnosis_at:
        return case.suspected_diagnosis_at, False
    return case.referred_at, True


def radiotherapy_in_plan(case: Case) -> bool:
    """Any radiotherapy in the decision starts the 24-hour radiotherapy clock, whatever comes with it."""
    return bool(case.decision_to_treat_at) and (
        case.radiotherapy_planned or case.treatment_modality == TreatmentModality.RADIOTHERAPY
    )


def case_clocks(case: Case, now: dt.datetime | None = None) -> list[Clock]:
    """The clocks that apply to a case. Prefetch `scans` (and select `patient`) to keep this free of queries."""
    now = now or timezone.now()
    clocks: list[Clock] = []
    ended_on = case.patient.died_on
    # Neurological red flags mean suspected MSCC whatever the presentation says (a record that bypassed
    # Case.clean): the 24-hour MRI clock runs (hazard HAZ-017).
    mscc = case.presentation == Presentation.SUSPECTED_MSCC or bool(case.neuro_red_flags)
    if mscc or case.presentation == Presentation.SUSPECTED_METASTASES:
        started, assumed = clock_start(case)
        mri_at = first_whole_spine_mri(case, started)
        if mscc:
            key, stopped = "mri_whole_spine_24h", mri_at
        else:
            # Met when both the MRI and the treatment plan are done: it stops at the later of the two.
            key, stopped = "mri_whole_spine_1w", None
            if mri_at and case.treatment_plan_agreed_at:
                stopped = max(mri_at, case.treatment_plan_agreed_at)
        clocks.append(Clock(target(key), case, started, stopped, now, start_assumed=assumed, ended_on=ended_on))
    if radiotherapy_in_plan(case):
        clocks.append(
            Clock(
                target("rt_start_24h"),
                case,
                case.decision_to_treat_at,
                radiotherapy_started(case),
                now,
                ended_on=ended_on,
            )
        )
    return clocks


def radiotherapy_started(case: Case) -> dt.datetime | None:
    """The first radiotherapy fraction; a treatment start counts when radiotherapy is the treatment."""
    if case.radiotherapy_started_at:
        return case.radiotherapy_started_at
    return case.treatment_start_at if case.treatment_modality == TreatmentModality.RADIOTHERAPY else None


def most_urgent(clocks: Iterable[Clock]) -> list[Clock]:
    """Clocks in the worklists' order (Clock.priority)."""
    return sorted(clocks, key=lambda clock: clock.priority)
