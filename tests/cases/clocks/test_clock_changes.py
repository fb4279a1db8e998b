"""The 2026 UK clock changes: hour targets by elapsed time, day targets by the wall clock.

The NICE pathway clocks of docs/clinical-reference.md §7.1.
"""

import datetime as dt

import pytest

from cases import clocks
from tests.cases.clocks.building import (
    AT_RISK,
    BREACHED,
    DAY,
    HOUR,
    LONDON,
    MET,
    MINUTE,
    RUNNING,
    UTC,
    in_london,
    in_utc,
    local,
    metastases_case,
    mscc_case,
    radiotherapy_case,
    the_clock,
)

pytestmark = pytest.mark.django_db


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
