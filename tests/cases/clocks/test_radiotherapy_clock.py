"""Radiotherapy within 24 hours of the decision to treat.

The NICE pathway clocks of docs/clinical-reference.md §7.1.
"""

import pytest
import time_machine

from cases.choices import Presentation, TreatmentModality
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
    mscc_case,
    radiotherapy_case,
    the_clock,
)
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


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
