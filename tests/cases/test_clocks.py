"""NICE pathway clocks (docs/clinical-reference.md §7.1).

Start, due time, state, configuration, and the dashboard worklist.
"""

import datetime as dt
import json
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import clocks
from cases.choices import CaseStatus, Modality, Presentation, TreatmentModality
from cases.clocks import ClockState, case_clocks
from cases.models import Case
from cases.selectors import CLOCK_STARTS, clocks_needing_attention
from tests.factories import CaseFactory, PatientFactory, ScanFactory, clinician

pytestmark = pytest.mark.django_db

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


# --------------------------------------------------------------------------- the targets as configured


KEYS = ("mri_whole_spine_24h", "mri_whole_spine_1w", "rt_start_24h")


@pytest.mark.hazard("HAZ-024")
def test_it_reads_the_three_targets_from_the_configuration():
    targets = clocks.targets()

    assert {key: (targets[key].value, targets[key].unit, targets[key].at_risk_fraction) for key in KEYS} == {
        "mri_whole_spine_24h": (24, "hours", 0.75),
        "mri_whole_spine_1w": (7, "days", 0.75),
        "rt_start_24h": (24, "hours", 0.75),
    }
    assert targets["mri_whole_spine_24h"].description == "24 hours"
    assert targets["mri_whole_spine_1w"].description == "7 days"


# --------------------------------------------------------------------------- whole-spine MRI within 24 hours

H24 = 24 * 60  # minutes
H24_AT_RISK = 18 * 60  # 75% of 24 hours


@pytest.mark.parametrize(
    ("now_after", "mri_after", "state"),
    [
        pytest.param(H24_AT_RISK - 1, None, RUNNING, id="running one minute before 75 percent"),
        pytest.param(H24_AT_RISK, None, AT_RISK, id="at risk at 75 percent"),
        pytest.param(H24, None, AT_RISK, id="at risk at the due time"),
        pytest.param(H24 + 1, None, BREACHED, id="breached one minute past due"),
        pytest.param(H24 + 60, H24, MET, id="met when the mri is performed at exactly 24 h"),
        pytest.param(H24 + 60, H24 + 1, BREACHED, id="breached when the mri is performed at 24 h 1 min"),
        pytest.param(3 * H24, 60, MET, id="met when the mri was early, however long ago"),
    ],
)
@pytest.mark.hazard("HAZ-018")
def test_it_gives_the_24_hour_mri_clock_its_state_on_both_sides_of_each_boundary(now_after, mri_after, state):
    mri_at = START + mri_after * MINUTE if mri_after is not None else None
    case = mscc_case(START, mri_at)

    clock = the_clock(case, "mri_whole_spine_24h", START + now_after * MINUTE)

    assert clock.state == state
    assert clock.started_at == START
    assert clock.due_at == START + 24 * HOUR
    assert clock.stopped_at == mri_at
    assert clock.is_open == (mri_at is None)


def test_it_counts_down_and_then_up_the_time_left_on_a_running_clock():
    case = mscc_case(START)

    assert the_clock(case, "mri_whole_spine_24h", START + 20 * HOUR).remaining == 4 * HOUR
    assert the_clock(case, "mri_whole_spine_24h", START + 30 * HOUR).remaining == -6 * HOUR


@pytest.mark.hazard("HAZ-016")
def test_it_does_not_stop_the_whole_spine_clock_for_a_targeted_mri():
    case = mscc_case(START)
    mri(case, START + 2 * HOUR, modality=Modality.MRI_TARGETED)
    mri(case, START + 3 * HOUR, modality=Modality.CT)

    clock = the_clock(case, "mri_whole_spine_24h", START + 25 * HOUR)

    assert clock.stopped_at is None
    assert clock.state == BREACHED


def test_it_stops_the_clock_at_the_earliest_whole_spine_mri():
    case = mscc_case(START)
    mri(case, START + 30 * HOUR)  # a repeat scan, after the target
    mri(case, START + 20 * HOUR)  # the first one, within the target
    ScanFactory(case=case, requested_at=START, performed_at=None)  # requested, never performed

    clock = the_clock(case, "mri_whole_spine_24h", START + 40 * HOUR)

    assert clock.stopped_at == START + 20 * HOUR
    assert clock.state == MET


@pytest.mark.hazard("HAZ-018")
def test_it_starts_the_clock_at_the_referral_saying_so_until_the_suspected_diagnosis_time_is_recorded():
    case = mscc_case(None)  # referred at START - DAY, no suspicion time

    clock = the_clock(case, "mri_whole_spine_24h", START + MINUTE)

    assert clock.started_at == START - DAY
    assert clock.start_assumed
    assert clock.state == BREACHED
    assert clock.is_open
    assert clock.warning.startswith("Start time assumed: the referral time")


def test_it_runs_no_clock_for_a_known_disease_review():
    case = CaseFactory(presentation=Presentation.KNOWN_DISEASE_REVIEW, red_flags=[], suspected_diagnosis_at=START)

    with time_machine.travel(START + 3 * DAY, tick=False):
        assert case_clocks(case) == []


# --------------------------------------------------------------------------- MRI and treatment plan within 1 week

W1 = 7 * 24 * 60  # minutes
W1_AT_RISK = W1 * 3 // 4  # 5 days 6 hours


@pytest.mark.parametrize(
    ("now_after", "state"),
    [
        pytest.param(W1_AT_RISK - 1, RUNNING, id="running one minute before 75 percent"),
        pytest.param(W1_AT_RISK, AT_RISK, id="at risk at 75 percent"),
        pytest.param(W1, AT_RISK, id="at risk at the due time"),
        pytest.param(W1 + 1, BREACHED, id="breached one minute past due"),
    ],
)
def test_it_gives_a_running_1_week_clock_its_state_on_both_sides_of_each_boundary(now_after, state):
    case = metastases_case(START)

    clock = the_clock(case, "mri_whole_spine_1w", START + now_after * MINUTE)

    assert clock.state == state
    assert clock.due_at == START + 7 * DAY


@pytest.mark.parametrize(
    ("mri_after", "plan_after", "stopped_after", "state"),
    [
        pytest.param(2 * 24 * 60, W1, W1, MET, id="met when the plan is agreed at exactly 7 days"),
        pytest.param(2 * 24 * 60, W1 + 1, W1 + 1, BREACHED, id="breached when the plan is a minute late"),
        pytest.param(W1, 24 * 60, W1, MET, id="met when the mri is performed at exactly 7 days"),
        pytest.param(W1 + 1, 24 * 60, W1 + 1, BREACHED, id="breached when the mri is a minute late"),
    ],
)
def test_it_stops_the_1_week_clock_at_the_later_of_the_mri_and_the_plan(mri_after, plan_after, stopped_after, state):
    case = metastases_case(START, mri_at=START + mri_after * MINUTE, plan_at=START + plan_after * MINUTE)

    clock = the_clock(case, "mri_whole_spine_1w", START + 10 * DAY)

    assert clock.stopped_at == START + stopped_after * MINUTE
    assert clock.state == state
    assert not clock.is_open


@pytest.mark.parametrize(
    ("mri_after", "plan_after"),
    [
        pytest.param(DAY, None, id="mri performed but no plan"),
        pytest.param(None, DAY, id="plan agreed but no mri"),
        pytest.param(None, None, id="neither"),
    ],
)
def test_it_keeps_the_1_week_clock_running_until_both_the_mri_and_the_plan_are_done(mri_after, plan_after):
    case = metastases_case(
        START,
        mri_at=START + mri_after if mri_after else None,
        plan_at=START + plan_after if plan_after else None,
    )

    clock = the_clock(case, "mri_whole_spine_1w", START + 7 * DAY + MINUTE)

    assert clock.is_open
    assert clock.stopped_at is None
    assert clock.state == BREACHED


def test_it_does_not_stop_the_1_week_clock_for_a_targeted_mri():
    case = metastases_case(START, plan_at=START + DAY)
    mri(case, START + 2 * HOUR, modality=Modality.MRI_TARGETED)

    clock = the_clock(case, "mri_whole_spine_1w", START + 6 * DAY)

    assert clock.is_open
    assert clock.state == AT_RISK


@pytest.mark.hazard("HAZ-018")
def test_it_starts_the_1_week_clock_at_the_referral_until_the_suspected_diagnosis_time_is_recorded():
    case = metastases_case(None)

    clock = the_clock(case, "mri_whole_spine_1w", START)

    assert clock.started_at == START - DAY
    assert clock.start_assumed
    assert clock.state == RUNNING


# --------------------------------------------------------------------------- radiotherapy within 24 h of the decision


@pytest.mark.parametrize(
    ("now_after", "start_after", "state"),
    [
        pytest.param(H24_AT_RISK - 1, None, RUNNING, id="running one minute before 75 percent"),
        pytest.param(H24_AT_RISK, None, AT_RISK, id="at risk at 75 percent"),
        pytest.param(H24, None, AT_RISK, id="at risk at the due time"),
        pytest.param(H24 + 1, None, BREACHED, id="breached one minute past due"),
        pytest.param(H24 + 60, H24, MET, id="met when the first fraction is at exactly 24 h"),
        pytest.param(H24 + 60, H24 + 1, BREACHED, id="breached when the first fraction is at 24 h 1 min"),
    ],
)
def test_it_gives_the_radiotherapy_clock_its_state_on_both_sides_of_each_boundary(now_after, start_after, state):
    treatment_start = START + start_after * MINUTE if start_after is not None else None
    case = radiotherapy_case(START, treatment_start)

    clock = the_clock(case, "rt_start_24h", START + now_after * MINUTE)

    assert clock.state == state
    assert clock.started_at == START
    assert clock.due_at == START + 24 * HOUR
    assert clock.stopped_at == treatment_start


def test_it_runs_the_radiotherapy_clock_alongside_the_mri_clock():
    case = mscc_case(START - 2 * DAY, mri_at=START - 2 * DAY + 5 * HOUR)
    case.treatment_modality = TreatmentModality.RADIOTHERAPY
    case.decision_to_treat_at = START
    case.save()

    with time_machine.travel(START + HOUR, tick=False):
        found = {clock.target.key: clock.state for clock in case_clocks(case)}

    assert found == {"mri_whole_spine_24h": MET, "rt_start_24h": RUNNING}


@pytest.mark.parametrize(
    ("modality", "decided"),
    [
        pytest.param(TreatmentModality.SURGERY, START, id="surgery decided"),
        pytest.param(TreatmentModality.SUPPORTIVE, START, id="supportive care decided"),
        pytest.param(TreatmentModality.RADIOTHERAPY, None, id="radiotherapy with no decision time"),
    ],
)
def test_it_runs_no_radiotherapy_clock_without_a_decision_to_treat_with_radiotherapy(modality, decided):
    case = CaseFactory(
        presentation=Presentation.KNOWN_DISEASE_REVIEW,
        red_flags=[],
        treatment_modality=modality,
        decision_to_treat_at=decided,
    )

    with time_machine.travel(START + 3 * DAY, tick=False):
        assert case_clocks(case) == []


# --------------------------------------------------------------------------- the 2026 UK clock changes

# BST starts 29 March 2026 at 01:00 UTC; it ends 25 October 2026 at 01:00 UTC.


@pytest.mark.hazard("HAZ-006")
def test_it_keeps_a_24_hour_target_at_24_elapsed_hours_when_summer_time_starts():
    started = local(2026, 3, 28, 10, 0)  # 10:00 GMT
    case = mscc_case(started)

    clock = the_clock(case, "mri_whole_spine_24h", started + HOUR)

    assert clock.due_at - started == 24 * HOUR
    assert in_utc(clock.due_at) == (2026, 3, 29, 10, 0)
    assert in_london(clock.due_at) == (2026, 3, 29, 11, 0)  # 11:00 BST: an hour later on the wall clock


@pytest.mark.hazard("HAZ-006")
def test_it_keeps_a_24_hour_target_at_24_elapsed_hours_when_summer_time_ends():
    started = local(2026, 10, 24, 10, 0)  # 10:00 BST
    case = radiotherapy_case(started)

    clock = the_clock(case, "rt_start_24h", started + HOUR)

    assert clock.due_at - started == 24 * HOUR
    assert in_utc(clock.due_at) == (2026, 10, 25, 9, 0)
    assert in_london(clock.due_at) == (2026, 10, 25, 9, 0)  # 09:00 GMT: an hour earlier on the wall clock


def test_it_adds_24_elapsed_hours_to_a_start_time_given_in_london_time():
    # A form's cleaned_data gives aware datetimes in the current time zone (Europe/London), not UTC.
    started_in_london = dt.datetime(2026, 3, 28, 10, 0, tzinfo=LONDON)

    due = clocks.target("mri_whole_spine_24h").due(started_in_london)

    assert due.astimezone(UTC) - started_in_london.astimezone(UTC) == 24 * HOUR
    assert in_utc(due) == (2026, 3, 29, 10, 0)


@pytest.mark.parametrize(
    ("mri_local", "state"),
    [
        pytest.param(local(2026, 3, 29, 10, 0), MET, id="23 h later (same wall-clock time)"),
        pytest.param(local(2026, 3, 29, 11, 0), MET, id="exactly 24 h later"),
        pytest.param(local(2026, 3, 29, 11, 1), BREACHED, id="24 h 1 min later"),
    ],
)
def test_it_judges_a_24_hour_mri_across_the_spring_change_by_elapsed_time(mri_local, state):
    started = local(2026, 3, 28, 10, 0)
    case = mscc_case(started, mri_at=mri_local)

    assert the_clock(case, "mri_whole_spine_24h", started + 3 * DAY).state == state


@pytest.mark.hazard("HAZ-006")
def test_it_makes_a_7_day_target_167_hours_when_summer_time_starts():
    started = local(2026, 3, 25, 10, 0)  # Wednesday 10:00 GMT
    case = metastases_case(started)

    clock = the_clock(case, "mri_whole_spine_1w", started + HOUR)

    assert clock.due_at - started == 167 * HOUR
    assert in_london(clock.due_at) == (2026, 4, 1, 10, 0)  # 10:00 BST a week later
    assert in_utc(clock.due_at) == (2026, 4, 1, 9, 0)


@pytest.mark.hazard("HAZ-006")
def test_it_makes_a_7_day_target_169_hours_when_summer_time_ends():
    started = local(2026, 10, 21, 10, 0)  # Wednesday 10:00 BST
    case = metastases_case(started)

    clock = the_clock(case, "mri_whole_spine_1w", started + HOUR)

    assert clock.due_at - started == 169 * HOUR
    assert in_london(clock.due_at) == (2026, 10, 28, 10, 0)  # 10:00 GMT a week later
    assert in_utc(clock.due_at) == (2026, 10, 28, 10, 0)


@pytest.mark.parametrize(
    ("started", "elapsed", "state"),
    [
        # Spring: due after 167 h. A plan at 168 h (the same UTC time a week later) is an hour late.
        pytest.param(local(2026, 3, 25, 10, 0), 167 * HOUR, MET, id="spring 167 h"),
        pytest.param(local(2026, 3, 25, 10, 0), 167 * HOUR + MINUTE, BREACHED, id="spring +1m"),
        # Autumn: due after 169 h. A plan at 169 h is still on time.
        pytest.param(local(2026, 10, 21, 10, 0), 169 * HOUR, MET, id="autumn 169 h"),
        pytest.param(local(2026, 10, 21, 10, 0), 169 * HOUR + MINUTE, BREACHED, id="autumn +1m"),
    ],
)
def test_it_judges_a_7_day_target_across_a_clock_change_by_the_wall_clock(started, elapsed, state):
    case = metastases_case(started, mri_at=started + DAY, plan_at=started + elapsed)

    assert the_clock(case, "mri_whole_spine_1w", started + 10 * DAY).state == state


def test_it_puts_a_7_day_clock_at_risk_at_75_percent_of_its_167_hours_across_the_spring_change():
    started = local(2026, 3, 25, 10, 0)
    case = metastases_case(started)
    at_risk_from = started + 167 * HOUR * 0.75  # 125 h 15 min

    assert the_clock(case, "mri_whole_spine_1w", at_risk_from - MINUTE).state == RUNNING
    assert the_clock(case, "mri_whole_spine_1w", at_risk_from).state == AT_RISK


# --------------------------------------------------------------------------- targets come from configuration

REAL_TARGETS = Path(settings.BASE_DIR) / "config" / "clinical_targets.toml"


def write_targets(path: Path, changes: dict[str, dict[str, object]] | None = None, drop: tuple = ()) -> Path:
    """A copy of the real targets file with some fields changed (value None removes the field)."""
    raw = tomllib.loads(REAL_TARGETS.read_text())
    for key, fields in (changes or {}).items():
        for name, value in fields.items():
            if value is None:
                raw[key].pop(name)
            else:
                raw[key][name] = value
    for key in drop:
        raw.pop(key)
    lines = []
    for key, fields in raw.items():
        lines.append(f"[{key}]")
        lines.extend(f"{name} = {json.dumps(value)}" for name, value in fields.items())
        lines.append("")
    path.write_text("\n".join(lines))
    return path


def test_it_takes_the_due_time_from_the_configured_value(settings, tmp_path):
    settings.CLINICAL_TARGETS_FILE = write_targets(tmp_path / "targets.toml", {"mri_whole_spine_24h": {"value": 12}})
    case = mscc_case(START)

    clock = the_clock(case, "mri_whole_spine_24h", START + 9 * HOUR)

    assert clock.due_at == START + 12 * HOUR
    assert clock.target.description == "12 hours"
    assert clock.state == AT_RISK  # 75% of 12 hours
    assert the_clock(case, "mri_whole_spine_24h", START + 9 * HOUR - MINUTE).state == RUNNING
    assert the_clock(case, "mri_whole_spine_24h", START + 12 * HOUR + MINUTE).state == BREACHED


def test_it_takes_the_at_risk_point_from_the_configured_fraction(settings, tmp_path):
    settings.CLINICAL_TARGETS_FILE = write_targets(
        tmp_path / "targets.toml", {"rt_start_24h": {"at_risk_fraction": 0.5}}
    )
    case = radiotherapy_case(START)

    assert the_clock(case, "rt_start_24h", START + 12 * HOUR - MINUTE).state == RUNNING
    assert the_clock(case, "rt_start_24h", START + 12 * HOUR).state == AT_RISK


@pytest.mark.hazard("HAZ-024")
def test_it_refuses_a_target_missing_a_field_naming_the_target_and_the_field(settings, tmp_path):
    settings.CLINICAL_TARGETS_FILE = write_targets(tmp_path / "targets.toml", {"mri_whole_spine_1w": {"unit": None}})

    with pytest.raises(ImproperlyConfigured, match=r"\[mri_whole_spine_1w\]: missing unit"):
        clocks.targets()


@pytest.mark.hazard("HAZ-024")
def test_it_refuses_a_target_in_weeks_naming_the_target(settings, tmp_path):
    settings.CLINICAL_TARGETS_FILE = write_targets(
        tmp_path / "targets.toml", {"mri_whole_spine_1w": {"value": 1, "unit": "weeks"}}
    )

    with pytest.raises(ImproperlyConfigured, match=r"\[mri_whole_spine_1w\]: .*unit 'hours' or 'days'"):
        clocks.targets()


def test_it_refuses_a_file_without_a_target_a_case_needs_naming_it(settings, tmp_path):
    settings.CLINICAL_TARGETS_FILE = write_targets(tmp_path / "targets.toml", drop=("rt_start_24h",))
    case = radiotherapy_case(START)

    with pytest.raises(ImproperlyConfigured, match="'rt_start_24h'"):
        the_clock(case, "rt_start_24h", START + HOUR)


# --------------------------------------------------------------------------- the worklist of clocks needing attention

NOW = local(2026, 6, 17, 12, 0)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def late_cases() -> dict[str, object]:
    """One case in each situation the worklist must include or leave out, at NOW."""
    return {
        # included
        "mscc breached 30 h": mscc_case(NOW - 30 * HOUR),  # due NOW - 6 h
        "rt breached 26 h": radiotherapy_case(NOW - 26 * HOUR),  # due NOW - 2 h
        "mscc at risk 20 h": mscc_case(NOW - 20 * HOUR),  # due NOW + 4 h
        "1w at risk 6 d": metastases_case(NOW - 6 * DAY),  # due NOW + 1 d
        "1w breached, mri but no plan": metastases_case(NOW - 8 * DAY, mri_at=NOW - 7 * DAY),  # due NOW - 1 d
        # no suspicion time: counted from the referral (START - 1 day), so due 10 June 09:00 (HAZ-018)
        "mscc without a suspicion time": mscc_case(None),
        # left out
        "mscc running 10 h": mscc_case(NOW - 10 * HOUR),
        "mscc met": mscc_case(NOW - 30 * HOUR, mri_at=NOW - 10 * HOUR),
        "mscc stopped late": mscc_case(NOW - 3 * DAY, mri_at=NOW - DAY),
        "1w met": metastases_case(NOW - 8 * DAY, mri_at=NOW - 7 * DAY, plan_at=NOW - 6 * DAY),
        "rt started": radiotherapy_case(NOW - 30 * HOUR, NOW - 20 * HOUR),
        "closed, breached": mscc_case(NOW - 40 * HOUR, status=CaseStatus.CLOSED),
        "known disease review": CaseFactory(presentation=Presentation.KNOWN_DISEASE_REVIEW, red_flags=[]),
    }


@pytest.mark.hazard("HAZ-018")
def test_it_lists_open_clocks_breached_first_then_at_risk_each_by_due_time(frozen):
    cases = late_cases()

    late = clocks_needing_attention()

    assert [(clock.case, clock.target.key, clock.state) for clock in late] == [
        (cases["mscc without a suspicion time"], "mri_whole_spine_24h", BREACHED),
        (cases["1w breached, mri but no plan"], "mri_whole_spine_1w", BREACHED),
        (cases["mscc breached 30 h"], "mri_whole_spine_24h", BREACHED),
        (cases["rt breached 26 h"], "rt_start_24h", BREACHED),
        (cases["mscc at risk 20 h"], "mri_whole_spine_24h", AT_RISK),
        (cases["1w at risk 6 d"], "mri_whole_spine_1w", AT_RISK),
    ]
    assert all(clock.is_open for clock in late)


def test_it_cuts_the_worklist_to_the_most_urgent(frozen):
    cases = late_cases()

    late = clocks_needing_attention(limit=2)

    assert [clock.case for clock in late] == [
        cases["mscc without a suspicion time"],
        cases["1w breached, mri but no plan"],
    ]


def test_it_lists_a_clock_from_the_moment_it_is_at_risk(frozen):
    at_risk = mscc_case(NOW - 18 * HOUR)
    mscc_case(NOW - 18 * HOUR + MINUTE)  # still running
    week_at_risk = metastases_case(NOW - 126 * HOUR)
    metastases_case(NOW - 126 * HOUR + MINUTE)  # still running

    assert [clock.case for clock in clocks_needing_attention()] == [at_risk, week_at_risk]


def test_it_lists_a_1_week_clock_at_risk_after_167_hours_across_the_spring_change():
    now = local(2026, 3, 30, 16, 15)
    started = local(2026, 3, 25, 10, 0)  # at risk from 125 h 15 min: 30 March 16:15 BST
    with time_machine.travel(now, tick=False):
        case = metastases_case(started)
        metastases_case(started + MINUTE)  # still running
        assert [clock.case for clock in clocks_needing_attention()] == [case]


@pytest.mark.parametrize("size", [3, 30])
def test_it_builds_the_worklist_in_a_bounded_number_of_queries(frozen, django_assert_max_num_queries, size):
    for n in range(size):
        case = mscc_case(NOW - (20 + n) * HOUR)
        mri(case, NOW - HOUR, modality=Modality.MRI_TARGETED)
    for n in range(size):
        radiotherapy_case(NOW - (20 + n) * HOUR)

    # per target: the open cases that could be late, with their patients (JOIN) and their first
    # whole-spine MRI (a subquery): no scans loaded, whatever the number of cases
    with django_assert_max_num_queries(len(CLOCK_STARTS)):
        late = clocks_needing_attention(limit=1000)
        names = [clock.case.patient.display_name for clock in late]

    assert len(late) == len(names) == 2 * size


@pytest.mark.hazard("HAZ-042")
def test_it_limits_the_worklist_in_the_database_keeping_the_most_urgent(frozen):
    """The dashboard shows 25 rows: only the most overdue are fetched, across every target."""
    mscc = [mscc_case(NOW - (30 + n) * HOUR) for n in range(40)]  # breached, due 6 to 45 hours ago
    rt = [radiotherapy_case(NOW - (25 + 2 * n) * HOUR) for n in range(40)]  # breached, 1 to 79 hours ago

    with CaptureQueriesContext(connection) as queries:
        late = clocks_needing_attention(limit=5)
    captured = [query["sql"] for query in queries.captured_queries]

    expected = sorted(
        [(case.suspected_diagnosis_at + 24 * HOUR, case) for case in mscc]
        + [(case.decision_to_treat_at + 24 * HOUR, case) for case in rt],
        key=lambda pair: pair[0],
    )[:5]
    assert [clock.case for clock in late] == [case for _, case in expected]
    assert len(captured) == len(CLOCK_STARTS) and all("LIMIT" in sql for sql in captured)


@pytest.mark.hazard("HAZ-042")
def test_a_case_late_on_two_clocks_is_listed_under_each(frozen):
    case = mscc_case(
        NOW - 40 * HOUR,  # due 16 hours ago
        treatment_modality=TreatmentModality.RADIOTHERAPY,
        decision_to_treat_at=NOW - 30 * HOUR,  # due 6 hours ago
    )

    late = clocks_needing_attention()

    assert [(clock.case, clock.target.key) for clock in late] == [
        (case, "mri_whole_spine_24h"),
        (case, "rt_start_24h"),
    ]


# --------------------------------------------------------------------------- on the dashboard


def test_it_shows_each_clock_needing_attention_on_the_dashboard(client, frozen):
    breached = mscc_case(NOW - 30 * HOUR, patient=PatientFactory(family_name="Okafor", given_name="Ada"))
    at_risk = radiotherapy_case(NOW - 20 * HOUR, patient=PatientFactory(family_name="Evans", given_name="Carys"))
    mscc_case(NOW - 2 * HOUR, patient=PatientFactory(family_name="Running", given_name="Not"))
    client.force_login(clinician())

    response = client.get(reverse("dashboard"))

    html = response.content.decode()
    rows = html[html.index('<table class="table table-hover mb-0 worklist table-stack">') :]
    rows = rows[: rows.index("</table>")].split("<tr>")[2:]  # after the header row
    assert len(rows) == 2
    assert "Breached" in rows[0]
    assert "OKAFOR, Ada" in rows[0]
    assert breached.patient.mrn in rows[0]
    assert "Whole-spine MRI within 24 hours" in rows[0]
    assert reverse("case-detail", args=[breached.pk]) in rows[0]
    assert "6 h 0 min overdue" in rows[0]
    assert "At risk" in rows[1]
    assert "EVANS, Carys" in rows[1]
    assert at_risk.patient.mrn in rows[1]
    assert "Radiotherapy start within 24 hours of the decision to treat" in rows[1]
    assert "4 h 0 min left" in rows[1]
    assert "RUNNING, Not" not in html
    assert "No NICE target is at risk or breached." not in html


def test_it_says_so_on_the_dashboard_when_no_target_needs_attention(client, frozen):
    mscc_case(NOW - 2 * HOUR)  # running
    mscc_case(NOW - 30 * HOUR, mri_at=NOW - 10 * HOUR)  # met
    client.force_login(clinician())

    response = client.get(reverse("dashboard"))

    assert response.context["clocks_attention"] == []
    assert "No NICE target is at risk or breached." in response.content.decode()


def test_it_uses_the_service_time_zone():
    assert settings.TIME_ZONE == "Europe/London"
    assert timezone.get_current_timezone() == LONDON
