"""The candidate list: cases awaiting discussion, from named sources, most urgent first."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.choices import CaseStatus, Modality, Presentation
from mdt import candidates as candidate_sources
from mdt.candidates import agenda_candidates
from mdt.models import AgendaItem, Meeting
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, PatientFactory, ScanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings():
    now = timezone.now()
    last = MeetingFactory(starts_at=now - dt.timedelta(days=6), status=Meeting.Status.CONCLUDED)
    return last, MeetingFactory(starts_at=now + dt.timedelta(days=1))


def reported_mri(case, hours_ago: float) -> None:
    reported = timezone.now() - dt.timedelta(hours=hours_ago)
    ScanFactory(
        case=case,
        requested_at=reported - dt.timedelta(hours=5),
        performed_at=reported - dt.timedelta(hours=1),
        reported_at=reported,
    )


def by_case(meeting) -> dict:
    return {candidate.case.pk: candidate.sources for candidate in agenda_candidates(meeting=meeting)}


@pytest.mark.hazard("HAZ-028")
def test_it_offers_cases_awaiting_mdt_new_mri_reports_and_items_not_discussed_last_time(meetings):
    last, upcoming = meetings
    awaiting = CaseFactory(status=CaseStatus.AWAITING_MDT)
    new_report = CaseFactory(status=CaseStatus.TREATMENT)
    reported_mri(new_report, hours_ago=24)
    old_report = CaseFactory(status=CaseStatus.TREATMENT)
    reported_mri(old_report, hours_ago=24 * 10)  # before the last meeting: not new
    carried = AgendaItemFactory(meeting=last, status=AgendaItem.Status.NOT_DISCUSSED).case
    AgendaItemFactory(meeting=last, status=AgendaItem.Status.DISCUSSED)
    CaseFactory(status=CaseStatus.IMAGING)

    assert by_case(upcoming) == {
        awaiting.pk: [AgendaItem.Source.AWAITING_MDT],
        new_report.pk: [AgendaItem.Source.NEW_MRI_REPORT],
        carried.pk: [AgendaItem.Source.CARRIED_FORWARD],
    }


def test_a_case_found_by_several_sources_is_offered_once_with_every_reason(meetings):
    last, upcoming = meetings
    case = CaseFactory(status=CaseStatus.AWAITING_MDT)
    reported_mri(case, hours_ago=3)
    AgendaItemFactory(meeting=last, case=case, status=AgendaItem.Status.NOT_DISCUSSED)

    [candidate] = agenda_candidates(meeting=upcoming)

    assert candidate.reasons == ["Not discussed at the last meeting", "Awaiting MDT", "New MRI report"]


def test_a_ct_report_is_not_a_new_mri_report(meetings):
    _, upcoming = meetings
    case = CaseFactory(status=CaseStatus.TREATMENT)
    ScanFactory(case=case, modality=Modality.CT, performed=True, reported_at=timezone.now())

    assert by_case(upcoming) == {}


@pytest.mark.hazard("HAZ-009")
def test_it_leaves_out_closed_cases_patients_who_died_and_cases_already_listed(meetings):
    _, upcoming = meetings
    CaseFactory(status=CaseStatus.CLOSED)
    closed_with_report = CaseFactory(status=CaseStatus.CLOSED)
    reported_mri(closed_with_report, hours_ago=2)
    CaseFactory(status=CaseStatus.AWAITING_MDT, patient=PatientFactory(died_on=timezone.localdate()))
    AgendaItemFactory(meeting=upcoming, case=CaseFactory(status=CaseStatus.AWAITING_MDT))
    withdrawn = CaseFactory(status=CaseStatus.AWAITING_MDT)
    AgendaItemFactory(meeting=upcoming, case=withdrawn, status=AgendaItem.Status.WITHDRAWN)

    assert by_case(upcoming) == {}


def test_without_a_previous_meeting_a_report_from_the_last_week_is_new():
    upcoming = MeetingFactory(starts_at=timezone.now() + dt.timedelta(days=2))
    recent, old = CaseFactory(status=CaseStatus.TREATMENT), CaseFactory(status=CaseStatus.TREATMENT)
    reported_mri(recent, hours_ago=24 * 4)
    reported_mri(old, hours_ago=24 * 10)

    assert list(by_case(upcoming)) == [recent.pk]


def test_suspected_mscc_comes_first_then_the_earliest_suspected_diagnosis(meetings):
    _, upcoming = meetings
    now = timezone.now()

    def awaiting(presentation, hours_ago):
        flags = ["limb_weakness"] if presentation == Presentation.SUSPECTED_MSCC else ["nocturnal_pain"]
        return CaseFactory(
            status=CaseStatus.AWAITING_MDT,
            presentation=presentation,
            red_flags=flags,
            suspected_diagnosis_at=now - dt.timedelta(hours=hours_ago),
        )

    late_metastases = awaiting(Presentation.SUSPECTED_METASTASES, 100)
    mscc_new = awaiting(Presentation.SUSPECTED_MSCC, 2)
    mscc_old = awaiting(Presentation.SUSPECTED_MSCC, 20)

    assert list(by_case(upcoming)) == [mscc_old.pk, mscc_new.pk, late_metastases.pk]


def test_the_follow_up_and_ratification_sources_are_named_hooks_for_the_decisions_issue(meetings):
    names = [source.__name__ for _, source in candidate_sources.SOURCES]

    assert "follow_up_asks_rediscussion" in names and "urgent_decision_to_ratify" in names


def test_it_reads_the_candidates_in_a_constant_number_of_queries(meetings, django_assert_max_num_queries):
    last, upcoming = meetings
    for _ in range(15):
        CaseFactory(status=CaseStatus.AWAITING_MDT)
        AgendaItemFactory(meeting=last, status=AgendaItem.Status.NOT_DISCUSSED)

    # previous meeting, awaiting MDT ids, new MRI report ids, carried-forward ids, follow-ups asking for
    # re-discussion, urgent decisions to ratify (on PostgreSQL between a SET and a RESET of the parallel
    # workers: core.db.serial_plans), cases with patients
    with django_assert_max_num_queries(9):
        assert len(agenda_candidates(meeting=upcoming)) == 30


def test_a_case_listed_on_another_meeting_still_to_be_held_is_not_offered_again(meetings):
    _, upcoming = meetings
    following = MeetingFactory(starts_at=upcoming.starts_at + dt.timedelta(weeks=1))
    listed = CaseFactory(status=CaseStatus.AWAITING_MDT)
    AgendaItemFactory(meeting=upcoming, case=listed)
    waiting = CaseFactory(status=CaseStatus.AWAITING_MDT)

    assert list(by_case(following)) == [waiting.pk]
