"""The dashboard's clocks needing attention are exactly the rule's, in the rule's order.

The database narrows each target to the open cases whose clock could be late and stops after the
dashboard's rows and a little slack (cases.selectors.clocks_needing_attention); on a varied record
(every presentation, no suspicion time, MRIs of each kind before and after the start, plans,
radiotherapy planned, given or started, closed cases, deaths, day targets across the spring clock
change) that must keep the same clocks, in the same order, as working out every case's clocks from
its scans (HAZ-042).
"""

import datetime as dt
import random

import pytest

from cases.choices import CaseStatus, Modality, Presentation, TreatmentModality
from cases.clocks import ClockState, case_clocks, most_urgent
from cases.models import Case
from cases.selectors import clocks_needing_attention
from tests.cases.clocks.building import DAY, HOUR, MINUTE, local
from tests.factories import CaseFactory, PatientFactory, ScanFactory

pytestmark = pytest.mark.django_db

# The morning after the clocks went forward (29 March 2026): a 1-week clock started before it is due an hour
# earlier in UTC than seven days of hours.
NOW = local(2026, 3, 30, 10, 0)


def varied_record(seed: int, count: int = 90) -> None:
    rng = random.Random(seed)
    for n in range(count):
        # A distinct minute for each case: no two clocks due at the same moment (the order is then the rule's alone).
        started = NOW - rng.randrange(0, 9 * 24) * HOUR - n * MINUTE
        presentation = rng.choice(list(Presentation))
        # Neurological flags on suspected MSCC only, as Case.clean has it (a record that bypassed it has its clock on
        # the case page and the agenda, not on this list: HAZ-017's further controls).
        neuro = presentation == Presentation.SUSPECTED_MSCC
        case = CaseFactory(
            patient=PatientFactory(died_on=(NOW - DAY).date() if rng.random() < 0.05 else None),
            presentation=presentation,
            red_flags=["limb_weakness"] if neuro else ["nocturnal_pain"],
            suspected_diagnosis_at=None if rng.random() < 0.15 else started,
            referred_at=started - rng.randrange(0, 48) * HOUR,
            status=CaseStatus.CLOSED if rng.random() < 0.05 else rng.choice([CaseStatus.IMAGING, CaseStatus.DECIDED]),
            treatment_plan_agreed_at=started + rng.randrange(1, 100) * HOUR if rng.random() < 0.3 else None,
            **_radiotherapy(rng, n),
        )
        for _ in range(rng.randrange(0, 3)):
            performed = started + rng.randrange(-72, 200) * HOUR
            ScanFactory(
                case=case,
                modality=rng.choice([Modality.MRI_WHOLE_SPINE, Modality.MRI_TARGETED, Modality.CT]),
                requested_at=performed - HOUR,
                performed_at=performed if performed < NOW else None,
            )


def _radiotherapy(rng: random.Random, n: int) -> dict[str, object]:
    if rng.random() < 0.6:
        return {}
    decided = NOW - rng.randrange(0, 60) * HOUR - n * MINUTE - 30 * dt.timedelta(seconds=1)
    planned = rng.random() < 0.5
    given = rng.random() < 0.3
    return {
        "decision_to_treat_at": decided,
        "radiotherapy_planned": planned,
        "treatment_modality": TreatmentModality.RADIOTHERAPY if not planned else rng.choice(list(TreatmentModality)),
        "radiotherapy_started_at": decided + rng.randrange(1, 40) * HOUR if given else None,
        "treatment_start_at": decided + rng.randrange(1, 40) * HOUR if rng.random() < 0.2 else None,
    }


def by_the_rule(now: dt.datetime, limit: int) -> list[tuple[int, str, ClockState, dt.datetime | None]]:
    """Every case on the worklists, every clock from its scans, the late ones most urgent first."""
    cases = Case.objects.on_worklists().select_related("patient").prefetch_related("scans")
    attention = (ClockState.AT_RISK, ClockState.BREACHED)
    late = [clock for case in cases for clock in case_clocks(case, now) if clock.is_open and clock.state in attention]
    return [(clock.case_id, clock.target.key, clock.state, clock.due_at) for clock in most_urgent(late)[:limit]]


@pytest.mark.hazard("HAZ-042")
@pytest.mark.parametrize("seed", [1, 2])
def test_the_worklist_is_the_rules_clocks_in_the_rules_order(seed):
    varied_record(seed)

    for now in (NOW, NOW + 13 * HOUR, NOW + 3 * DAY):
        expected = by_the_rule(now, limit=10_000)
        assert len(expected) > 25, "the record puts more clocks at risk or breached than the dashboard shows"
        for limit in (3, 10, 25, 10_000):
            listed = clocks_needing_attention(now=now, limit=limit)
            shown = [(clock.case_id, clock.target.key, clock.state, clock.due_at) for clock in listed]
            assert shown == expected[:limit], (now, limit)
