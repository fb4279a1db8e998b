"""Clock rules a clinician relies on: which scan can meet a target, where a clock starts when the
suspicion time is blank, and that a worklist shows exactly the clocks the case page shows.

Written from docs/clinical-reference.md §7.1: T3/T4 count from the suspected diagnosis; only a
whole-spine MRI performed after that moment answers the suspicion.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from cases.choices import Modality, Presentation
from cases.clocks import ClockState, case_clocks
from cases.models import Case
from cases.selectors import clocks_needing_attention
from tests.factories import CaseFactory, ScanFactory, clinician

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Europe/London")).astimezone(dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def suspected(presentation: str, *, started: dt.datetime | None = START, referred: dt.datetime = START - DAY) -> Case:
    flags = ["limb_weakness"] if presentation == Presentation.SUSPECTED_MSCC else ["nocturnal_pain"]
    return CaseFactory(presentation=presentation, red_flags=flags, suspected_diagnosis_at=started, referred_at=referred)


def whole_spine_mri(case: Case, performed_at: dt.datetime) -> None:
    ScanFactory(
        case=case,
        modality=Modality.MRI_WHOLE_SPINE,
        requested_at=min(performed_at, case.referred_at),
        performed_at=performed_at,
    )


def mri_clock(case: Case, now: dt.datetime):
    case = Case.objects.select_related("patient").prefetch_related("scans").get(pk=case.pk)
    [clock] = [clock for clock in case_clocks(case, now) if clock.target.key.startswith("mri_")]
    return clock


def on_worklist(case: Case, now: dt.datetime) -> bool:
    return case.pk in {clock.case_id for clock in clocks_needing_attention(now=now, limit=1000)}


# --------------------------------------------------------------------------- hazard 1: a scan before the start


@pytest.mark.hazard("HAZ-016")
def test_a_staging_mri_performed_before_mscc_was_suspected_does_not_meet_the_24_hour_target():
    case = suspected(Presentation.SUSPECTED_MSCC)
    whole_spine_mri(case, START - 3 * DAY)  # the staging scan, three days before the weakness began

    clock = mri_clock(case, START + 25 * HOUR)

    assert clock.stopped_at is None
    assert clock.state == ClockState.BREACHED
    assert on_worklist(case, START + 25 * HOUR)


@pytest.mark.hazard("HAZ-016")
def test_an_mri_one_minute_before_the_suspicion_does_not_count_and_one_at_the_suspicion_does():
    before = suspected(Presentation.SUSPECTED_MSCC)
    whole_spine_mri(before, START - dt.timedelta(minutes=1))
    at_start = suspected(Presentation.SUSPECTED_MSCC)
    whole_spine_mri(at_start, START)

    assert mri_clock(before, START + 2 * HOUR).state == ClockState.RUNNING
    assert mri_clock(at_start, START + 2 * HOUR).state == ClockState.MET


@pytest.mark.hazard("HAZ-016")
def test_the_first_mri_after_the_suspicion_meets_the_target_even_when_an_older_one_exists():
    case = suspected(Presentation.SUSPECTED_MSCC)
    whole_spine_mri(case, START - 2 * DAY)
    whole_spine_mri(case, START + 20 * HOUR)

    clock = mri_clock(case, START + 30 * HOUR)

    assert clock.stopped_at == START + 20 * HOUR
    assert clock.state == ClockState.MET
    assert not on_worklist(case, START + 30 * HOUR)


@pytest.mark.hazard("HAZ-016")
def test_an_mri_of_the_patients_earlier_case_does_not_meet_the_new_cases_target():
    case = suspected(Presentation.SUSPECTED_MSCC)
    earlier = CaseFactory(patient=case.patient, referred_at=START - 60 * DAY, suspected_diagnosis_at=START - 60 * DAY)
    whole_spine_mri(earlier, START + 2 * HOUR)  # booked on the old episode by mistake, or a historic scan

    assert mri_clock(case, START + 25 * HOUR).state == ClockState.BREACHED
    assert on_worklist(case, START + 25 * HOUR)


@pytest.mark.hazard("HAZ-016")
def test_an_mri_before_the_suspicion_does_not_meet_the_1_week_target_either():
    case = suspected(Presentation.SUSPECTED_METASTASES)
    whole_spine_mri(case, START - DAY)
    Case.objects.filter(pk=case.pk).update(treatment_plan_agreed_at=START + DAY)

    clock = mri_clock(case, START + 8 * DAY)

    assert clock.state == ClockState.BREACHED
    assert on_worklist(case, START + 8 * DAY)


# --------------------------------------------------------------------------- hazard 3: no suspicion time


@pytest.mark.hazard("HAZ-018")
def test_a_suspected_mscc_case_without_a_suspicion_time_is_on_the_worklist_from_its_referral():
    case = suspected(Presentation.SUSPECTED_MSCC, started=None, referred=START)

    assert not on_worklist(case, START + 17 * HOUR)  # running, not yet at risk (75 percent is 18 hours)
    assert on_worklist(case, START + 18 * HOUR)
    [clock] = [clock for clock in clocks_needing_attention(now=START + 25 * HOUR) if clock.case_id == case.pk]
    assert clock.started_at == START
    assert clock.start_assumed
    assert clock.state == ClockState.BREACHED


@pytest.mark.hazard("HAZ-018")
def test_the_case_page_says_the_start_time_was_assumed_and_asks_for_it(client):
    case = suspected(Presentation.SUSPECTED_MSCC, started=None, referred=START)
    client.force_login(clinician())

    with time_machine.travel(START + 2 * HOUR, tick=False):
        page = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert "Start time assumed: the referral time" in page
    assert "Record it." in page
