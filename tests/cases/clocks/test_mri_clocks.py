"""The whole-spine MRI clocks: 24 hours for suspected MSCC, MRI and plan within a week otherwise.

The NICE pathway clocks of docs/clinical-reference.md §7.1.
"""

import pytest
import time_machine

from cases.choices import Modality, Presentation
from cases.clocks import case_clocks
from tests.cases.clocks.building import (
    AT_RISK,
    BREACHED,
    DAY,
    H24,
    H24_AT_RISK,
    HOUR,
    MET,
    MINUTE,
    RUNNING,
    START,
    metastases_case,
    mri,
    mscc_case,
    the_clock,
)
from tests.factories import CaseFactory, ScanFactory

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- whole-spine MRI within 24 hours


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
