"""Building cases for the clock tests, and the times they use (London time, the 2026 clock changes)."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from cases.choices import Modality, Presentation, TreatmentModality
from cases.clocks import ClockState, case_clocks
from cases.models import Case
from tests.factories import CaseFactory, ScanFactory

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A London wall-clock time as an aware UTC datetime, as the database gives it back.

    (Arithmetic on a datetime whose tzinfo is Europe/London is wall-clock arithmetic in Python,
    so every expected time here is computed in UTC.)
    """
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


# A week in June: British Summer Time throughout, no clock change within the 7-day target.
START = local(2026, 6, 10, 9, 0)

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

RUNNING, AT_RISK, BREACHED, MET, NOT_STARTED = (
    ClockState.RUNNING,
    ClockState.AT_RISK,
    ClockState.BREACHED,
    ClockState.MET,
    ClockState.NOT_STARTED,
)


# --------------------------------------------------------------------------- building cases


def mri(case, performed_at: dt.datetime, modality: str = Modality.MRI_WHOLE_SPINE):
    return ScanFactory(case=case, modality=modality, requested_at=case.referred_at, performed_at=performed_at)


def mscc_case(started: dt.datetime | None, mri_at: dt.datetime | None = None, **fields):
    """Suspected MSCC with neurology: the whole-spine MRI within 24 hours."""
    case = CaseFactory(
        presentation=Presentation.SUSPECTED_MSCC,
        suspected_diagnosis_at=started,
        referred_at=started or START - DAY,
        **fields,
    )
    if mri_at:
        mri(case, mri_at)
    return reloaded(case)


def metastases_case(
    started: dt.datetime | None,
    mri_at: dt.datetime | None = None,
    plan_at: dt.datetime | None = None,
    **fields,
):
    """Suspected spinal metastases without neurology: MRI and treatment plan within 1 week."""
    case = CaseFactory(
        presentation=Presentation.SUSPECTED_METASTASES,
        red_flags=["nocturnal_pain"],
        suspected_diagnosis_at=started,
        referred_at=started or START - DAY,
        treatment_plan_agreed_at=plan_at,
        **fields,
    )
    if mri_at:
        mri(case, mri_at)
    return reloaded(case)


def radiotherapy_case(decided: dt.datetime, started: dt.datetime | None = None, **fields):
    """A decision to treat with radiotherapy: the first fraction within 24 hours."""
    return reloaded(
        CaseFactory(
            presentation=Presentation.KNOWN_DISEASE_REVIEW,
            red_flags=[],
            referred_at=decided - DAY,
            treatment_modality=TreatmentModality.RADIOTHERAPY,
            decision_to_treat_at=decided,
            treatment_start_at=started,
            **fields,
        )
    )


def reloaded(case):
    """The case as the pages load it: times from the database (UTC)."""
    return Case.objects.get(pk=case.pk)


def the_clock(case, key: str, now: dt.datetime):
    """The one clock of `key` on the case, computed with the time frozen at `now`."""
    with time_machine.travel(now, tick=False):
        found = [clock for clock in case_clocks(case) if clock.target.key == key]
    assert len(found) == 1, f"expected one {key} clock, got {found}"
    return found[0]


def in_london(value: dt.datetime) -> tuple[int, int, int, int, int]:
    wall = value.astimezone(LONDON)
    return wall.year, wall.month, wall.day, wall.hour, wall.minute


def in_utc(value: dt.datetime) -> tuple[int, int, int, int, int]:
    utc = value.astimezone(UTC)
    return utc.year, utc.month, utc.day, utc.hour, utc.minute


H24 = 24 * 60  # minutes
H24_AT_RISK = 18 * 60  # 75% of 24 hours
