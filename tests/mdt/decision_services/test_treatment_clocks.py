"""What a decision does to the case: its status, modality and the treatment clocks."""

import datetime as dt

import pytest

from cases.choices import CaseStatus, Presentation, TreatmentModality
from cases.clocks import ClockState, case_clocks
from mdt.services.decisions import (
    decision_record,
)
from tests.factories import AgendaItemFactory, CaseFactory, ScanFactory
from tests.mdt.decision_services.helpers import at_the_start_of, decision_input

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the case: status and clocks


@pytest.mark.hazard("HAZ-011")
def test_it_moves_the_case_on_and_starts_the_24_hour_clock_on_a_radiotherapy_decision(item, oncologist, surgeon):
    decision = decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon))

    case = item.case
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    assert case.decision_to_treat_at == decision.decided_at
    assert case.treatment_plan_agreed_at == decision.decided_at
    assert case.treatment_modality == TreatmentModality.RADIOTHERAPY
    [clock] = [clock for clock in case_clocks(case) if clock.target.key == "rt_start_24h"]
    assert clock.started_at == decision.decided_at
    assert clock.due_at == decision.decided_at + dt.timedelta(hours=24)


def test_it_makes_the_modality_surgery_for_any_surgical_treatment(item, oncologist, surgeon):
    data = decision_input(oncologist, surgeon, treatments=("surgery_decompression", "analgesia"))

    decision_record(item_id=item.pk, user=oncologist, data=data)

    case = item.case
    case.refresh_from_db()
    assert case.treatment_modality == TreatmentModality.SURGERY
    assert "rt_start_24h" not in [clock.target.key for clock in case_clocks(case)]


@pytest.mark.hazard("HAZ-011")
@pytest.mark.parametrize(
    ("treatments", "modality"),
    [
        pytest.param(("vertebroplasty", "cebrt"), TreatmentModality.SURGERY, id="cement augmentation plus cEBRT"),
        pytest.param(("kyphoplasty", "sbrt_srs"), TreatmentModality.SURGERY, id="kyphoplasty plus SBRT"),
        pytest.param(("surgery_stabilisation", "cebrt"), TreatmentModality.SURGERY, id="stabilisation plus cEBRT"),
        pytest.param(("cebrt", "sact"), TreatmentModality.RADIOTHERAPY, id="cEBRT plus systemic therapy"),
        pytest.param(("steroids", "sbrt_srs"), TreatmentModality.RADIOTHERAPY, id="SBRT with steroids"),
    ],
)
@pytest.mark.hazard("HAZ-011")
def test_any_radiotherapy_in_a_combined_plan_starts_the_24_hour_radiotherapy_clock(
    item, oncologist, surgeon, treatments, modality
):
    decision = decision_record(
        item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, treatments=treatments)
    )

    case = item.case
    case.refresh_from_db()
    assert case.treatment_modality == modality  # the treatment that comes first
    assert case.radiotherapy_planned
    [clock] = [clock for clock in case_clocks(case) if clock.target.key == "rt_start_24h"]
    assert clock.started_at == decision.decided_at
    assert clock.due_at == decision.decided_at + dt.timedelta(hours=24)
    assert clock.is_open


@pytest.mark.hazard("HAZ-011")
def test_a_combined_plans_radiotherapy_clock_stops_at_the_first_fraction_not_at_the_surgery(item, oncologist, surgeon):
    data = decision_input(oncologist, surgeon, treatments=("vertebroplasty", "cebrt"))
    decision = decision_record(item_id=item.pk, user=oncologist, data=data)
    case = item.case
    case.refresh_from_db()
    case.treatment_start_at = decision.decided_at + dt.timedelta(hours=2)  # the vertebroplasty
    case.save()

    [clock] = [clock for clock in case_clocks(case) if clock.target.key == "rt_start_24h"]
    assert clock.is_open

    case.radiotherapy_started_at = decision.decided_at + dt.timedelta(hours=20)
    case.save()
    [clock] = [clock for clock in case_clocks(case) if clock.target.key == "rt_start_24h"]
    assert clock.stopped_at == case.radiotherapy_started_at
    assert clock.state == "met"


@pytest.mark.hazard("HAZ-026")
def test_it_keeps_the_first_plan_agreed_time_and_a_case_in_treatment_there(meeting, next_meeting, oncologist, surgeon):
    case = CaseFactory(status=CaseStatus.AWAITING_MDT)
    first = decision_record(
        item_id=AgendaItemFactory(meeting=meeting, case=case).pk,
        user=oncologist,
        data=decision_input(oncologist, surgeon),
    )
    case.refresh_from_db()
    case.status = CaseStatus.TREATMENT
    case.save()

    with at_the_start_of(next_meeting):
        second = decision_record(
            item_id=AgendaItemFactory(meeting=next_meeting, case=case).pk,
            user=oncologist,
            data=decision_input(oncologist, surgeon, treatments=("sbrt_srs",)),
        )

    case.refresh_from_db()
    assert case.treatment_plan_agreed_at == first.decided_at
    assert case.decision_to_treat_at == second.decided_at
    assert case.status == CaseStatus.TREATMENT


def suspected_metastases_scanned(meeting):
    """Suspected spinal metastases without neurology, referred three days before the meeting and scanned since:
    its "whole-spine MRI and treatment plan within 1 week" clock waits only for the plan."""
    referred = meeting.starts_at - dt.timedelta(days=3)
    case = CaseFactory(
        status=CaseStatus.AWAITING_MDT,
        presentation=Presentation.SUSPECTED_METASTASES,
        red_flags=["nocturnal_pain"],
        referred_at=referred,
        suspected_diagnosis_at=referred,
    )
    ScanFactory(case=case, requested_at=referred + dt.timedelta(hours=2), performed=True)
    return case


def one_week_clock(case):
    case.refresh_from_db()
    [clock] = [clock for clock in case_clocks(case) if clock.target.key == "mri_whole_spine_1w"]
    return clock


@pytest.mark.hazard("HAZ-026")
@pytest.mark.parametrize(
    "treatments",
    [
        pytest.param(("further_imaging",), id="further imaging alone"),
        pytest.param(("further_imaging", "analgesia", "steroids"), id="further imaging, pain relief and steroids"),
        pytest.param(("further_imaging", "brace", "physio_rehab"), id="further imaging, a brace and physiotherapy"),
    ],
)
def test_a_decision_for_further_imaging_agrees_no_plan_and_the_one_week_clock_keeps_running(
    meeting, oncologist, surgeon, treatments
):
    case = suspected_metastases_scanned(meeting)

    decision_record(
        item_id=AgendaItemFactory(meeting=meeting, case=case).pk,
        user=oncologist,
        data=decision_input(oncologist, surgeon, treatments=treatments),
    )

    clock = one_week_clock(case)
    assert clock.is_open, "further imaging is not a treatment plan: the 1-week clock must not show met"
    assert clock.state in (ClockState.RUNNING, ClockState.AT_RISK)
    assert case.treatment_plan_agreed_at is None
    assert case.decision_to_treat_at is None


@pytest.mark.hazard("HAZ-026")
def test_the_plan_agreed_after_the_further_imaging_stops_the_one_week_clock_at_that_decision(
    meeting, next_meeting, oncologist, surgeon
):
    case = suspected_metastases_scanned(meeting)
    decision_record(
        item_id=AgendaItemFactory(meeting=meeting, case=case).pk,
        user=oncologist,
        data=decision_input(oncologist, surgeon, treatments=("further_imaging", "analgesia")),
    )

    with at_the_start_of(next_meeting):
        plan = decision_record(
            item_id=AgendaItemFactory(meeting=next_meeting, case=case).pk,
            user=oncologist,
            data=decision_input(oncologist, surgeon, treatments=("cebrt",)),
        )

    clock = one_week_clock(case)
    assert case.treatment_plan_agreed_at == plan.decided_at
    assert clock.stopped_at == plan.decided_at
    assert clock.state == ClockState.BREACHED, "ten days from suspicion to the plan: the 1-week target was missed"


@pytest.mark.hazard("HAZ-026")
@pytest.mark.parametrize(
    "treatments",
    [
        pytest.param(("further_imaging", "cebrt"), id="radiotherapy with further imaging"),
        pytest.param(("further_imaging", "best_supportive_care"), id="best supportive care with further imaging"),
    ],
)
def test_further_imaging_beside_a_treatment_is_a_plan(meeting, oncologist, surgeon, treatments):
    case = suspected_metastases_scanned(meeting)

    decision = decision_record(
        item_id=AgendaItemFactory(meeting=meeting, case=case).pk,
        user=oncologist,
        data=decision_input(oncologist, surgeon, treatments=treatments),
    )

    clock = one_week_clock(case)
    assert case.treatment_plan_agreed_at == decision.decided_at
    assert clock.state == ClockState.MET


# --------------------------------------------------------------------------- a case discussed again after treatment


@pytest.fixture
def treated_item(meeting):
    """A case treated a week ago (decision to treat, then radiotherapy started), listed again for review."""
    decided = meeting.starts_at - dt.timedelta(days=9)
    case = CaseFactory(
        status=CaseStatus.FOLLOW_UP,
        referred_at=decided - dt.timedelta(days=3),
        treatment_modality=TreatmentModality.RADIOTHERAPY,
        treatment_plan_agreed_at=decided,
        decision_to_treat_at=decided,
        treatment_start_at=decided + dt.timedelta(hours=20),
    )
    return AgendaItemFactory(meeting=meeting, case=case)


@pytest.mark.hazard("HAZ-163")
def test_a_decision_on_a_case_already_treated_is_saved_and_keeps_the_treated_episodes_clocks(
    treated_item, oncologist, surgeon
):
    case = treated_item.case
    before = (case.decision_to_treat_at, case.treatment_start_at, case.treatment_modality)
    data = decision_input(oncologist, surgeon, treatments=("surgery_stabilisation",))

    decision = decision_record(item_id=treated_item.pk, user=oncologist, data=data)

    case.refresh_from_db()
    assert decision.pk and decision.modality == TreatmentModality.SURGERY
    # The 24-hour clock of the treatment given stays met as recorded; it is not restarted after the treatment.
    assert (case.decision_to_treat_at, case.treatment_start_at, case.treatment_modality) == before
    [clock] = [clock for clock in case_clocks(case) if clock.target.key == "rt_start_24h"]
    assert clock.stopped_at == before[1]


@pytest.mark.hazard("HAZ-163")
def test_the_outcome_page_saves_a_decision_on_a_treated_case_instead_of_failing(
    client, treated_item, oncologist, surgeon
):
    client.force_login(oncologist)
    form = {
        "treatments": ["cebrt"], "intent": "palliative", "rationale": "Re-treat the new level.",
        "patient_preferences_considered": "yes", "responsible": [oncologist.member.pk, surgeon.member.pk],
        "fu-TOTAL_FORMS": "0", "fu-INITIAL_FORMS": "0", "action": "save", "trial_considered": "no",
        "trial_why_not": "None open",
    }  # fmt: skip

    response = client.post(f"/meetings/{treated_item.meeting_id}/items/{treated_item.pk}/decision/", form)

    assert response.status_code == 302
    assert treated_item.case.decisions.count() == 1
