"""The case's status follows what happens to it (cases.status): an MRI requested or reported, the case
listed, decided or treated moves it on, on every path, never backwards and never out of Closed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from cases.choices import CaseStatus, Modality
from cases.models import Case, Scan
from cases.services import case_follow_events
from cases.status import PATHWAY_ORDER, CaseEvent, next_status, stage
from integrations.hl7.receive import feed_message_receive
from mdt.services.agenda import agenda_add_cases
from mdt.services.decisions import DecisionInput, decision_record
from tests.admin_forms import admin_post_data
from tests.factories import (
    AgendaItemFactory,
    CaseFactory,
    MeetingFactory,
    PatientFactory,
    ScanFactory,
    coordinator,
    next_wednesday_at,
    team_user,
)
from tests.integrations import hl7_messages as hl7


@pytest.mark.parametrize(
    ("event", "before", "after"),
    [
        (CaseEvent.MRI_REQUESTED, CaseStatus.REFERRED, CaseStatus.IMAGING),
        (CaseEvent.MRI_REPORTED, CaseStatus.IMAGING, CaseStatus.AWAITING_MDT),
        (CaseEvent.MRI_REPORTED, CaseStatus.REFERRED, CaseStatus.AWAITING_MDT),
        (CaseEvent.LISTED, CaseStatus.IMAGING, CaseStatus.AWAITING_MDT),
        (CaseEvent.DECIDED, CaseStatus.AWAITING_MDT, CaseStatus.DECIDED),
        (CaseEvent.TREATED, CaseStatus.DECIDED, CaseStatus.TREATMENT),
        # Never backwards: a follow-up MRI on a treated case, a late listing of a decided one.
        (CaseEvent.MRI_REQUESTED, CaseStatus.TREATMENT, CaseStatus.TREATMENT),
        (CaseEvent.LISTED, CaseStatus.FOLLOW_UP, CaseStatus.FOLLOW_UP),
        (CaseEvent.MRI_REPORTED, CaseStatus.DECIDED, CaseStatus.DECIDED),
        # Never out of Closed.
        (CaseEvent.TREATED, CaseStatus.CLOSED, CaseStatus.CLOSED),
        (CaseEvent.MRI_REQUESTED, CaseStatus.CLOSED, CaseStatus.CLOSED),
    ],
)
@pytest.mark.hazard("HAZ-160")
def test_each_event_moves_the_status_on_to_its_stage_and_never_back(event, before, after):
    assert next_status(before, event) == after


@pytest.mark.hazard("HAZ-160")
@given(start=st.sampled_from(PATHWAY_ORDER), events=st.lists(st.sampled_from(list(CaseEvent)), max_size=20))
def test_the_status_never_goes_backwards_and_a_closed_case_stays_closed_for_any_sequence_of_events(start, events):
    status = start
    for event in events:
        after = next_status(status, event)
        assert stage(after) >= stage(status)
        assert status != CaseStatus.CLOSED or after == CaseStatus.CLOSED
        status = after
    # The end does not depend on the order the events came in (the furthest stage wins).
    assert next_status_all(start, list(reversed(events))) == status


def next_status_all(status, events):
    for event in events:
        status = next_status(status, event)
    return status


@pytest.mark.django_db
@pytest.mark.hazard("HAZ-160")
def test_a_change_is_saved_with_a_history_row_naming_the_user_and_the_event_and_moves_the_version_on():
    user = coordinator()
    case = CaseFactory(status=CaseStatus.REFERRED)
    version = case.version

    assert case_follow_events(case_id=case.pk, events=[CaseEvent.MRI_REQUESTED], user=user)
    assert not case_follow_events(case_id=case.pk, events=[CaseEvent.MRI_REQUESTED], user=user)  # nothing new

    case.refresh_from_db()
    latest = case.history.latest()
    assert case.status == CaseStatus.IMAGING and case.version == version + 1
    assert latest.history_user == user
    assert latest.history_change_reason == "Status Referred → Imaging after: MRI requested"
    assert case.history.count() == 2


# --------------------------------------------------------------------------- every path


def typed(prefix, value):
    local = timezone.localtime(value)
    return {f"{prefix}_0": local.strftime("%d/%m/%Y"), f"{prefix}_1": local.strftime("%H:%M:%S")}


@pytest.fixture
def workspace(client):
    client.force_login(coordinator())
    return client


def case_page(client, case):
    return client.get(reverse("admin:cases_case_change", args=[case.pk]))


def post_case(client, case, **changes):
    response = client.post(
        reverse("admin:cases_case_change", args=[case.pk]), admin_post_data(case_page(client, case), **changes)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    case.refresh_from_db()
    return response


@pytest.mark.django_db
@pytest.mark.hazard("HAZ-160")
def test_an_mri_added_then_reported_on_the_case_form_moves_the_case_to_imaging_then_awaiting_mdt(workspace):
    case = CaseFactory(status=CaseStatus.REFERRED, referred_at=timezone.now() - dt.timedelta(days=3))
    requested = timezone.now() - dt.timedelta(days=2)
    post_case(
        workspace,
        case,
        **{"scans-TOTAL_FORMS": "1", "scans-0-modality": Modality.MRI_WHOLE_SPINE, "scans-0-case": str(case.pk)},
        **typed("scans-0-requested_at", requested),
    )
    assert case.status == CaseStatus.IMAGING

    performed, reported = requested + dt.timedelta(hours=3), requested + dt.timedelta(hours=5)
    post_case(
        workspace,
        case,
        **typed("scans-0-performed_at", performed),
        **typed("scans-0-reported_at", reported),
        **{"scans-0-report": "Metastasis at T7, ESCC 2."},
    )
    scan = case.scans.get()
    assert (scan.report, scan.reported_at) == ("Metastasis at T7, ESCC 2.", reported.replace(microsecond=0))
    assert case.status == CaseStatus.AWAITING_MDT
    assert case.history.latest().history_change_reason == "Status Imaging → Awaiting MDT after: MRI reported"


@pytest.mark.django_db
@pytest.mark.hazard("HAZ-160")
def test_a_ct_scan_does_not_move_the_case(workspace):
    case = CaseFactory(status=CaseStatus.REFERRED)
    post_case(
        workspace,
        case,
        **{"scans-TOTAL_FORMS": "1", "scans-0-modality": Modality.CT, "scans-0-case": str(case.pk)},
        **typed("scans-0-requested_at", timezone.now() - dt.timedelta(hours=2)),
    )
    assert case.status == CaseStatus.REFERRED


@pytest.mark.django_db
@pytest.mark.hazard("HAZ-160")
def test_a_decision_and_treatment_typed_on_the_case_form_move_it_to_decided_then_treatment(workspace):
    case = CaseFactory(status=CaseStatus.AWAITING_MDT, referred_at=timezone.now() - dt.timedelta(days=3))
    decided = timezone.now() - dt.timedelta(days=1)
    post_case(workspace, case, treatment_modality="radiotherapy", **typed("decision_to_treat_at", decided))
    assert case.status == CaseStatus.DECIDED

    post_case(workspace, case, **typed("treatment_start_at", decided + dt.timedelta(hours=6)))
    assert case.status == CaseStatus.TREATMENT


@pytest.mark.django_db
@pytest.mark.hazard("HAZ-160")
def test_a_status_the_coordinator_chose_stays_when_nothing_happened_and_closed_is_never_reopened(workspace):
    case = CaseFactory(status=CaseStatus.IMAGING)
    ScanFactory(case=case, performed=True)
    post_case(workspace, case, status=CaseStatus.CLOSED, closed_reason="transferred", close_with_open_work="on")
    assert case.status == CaseStatus.CLOSED

    scan = case.scans.get()
    post_case(workspace, case, **typed("scans-0-reported_at", scan.performed_at + dt.timedelta(hours=1)))
    assert case.status == CaseStatus.CLOSED


@pytest.mark.django_db
@pytest.mark.hazard("HAZ-160")
def test_a_scan_added_or_reported_on_the_scan_page_moves_its_case(workspace):
    case = CaseFactory(status=CaseStatus.REFERRED)
    requested = timezone.now() - dt.timedelta(days=1)
    data = {"case": str(case.pk), "modality": Modality.MRI_TARGETED, "report": "", "escc_grade": "", "escc_level": ""}
    data |= typed("requested_at", requested) | {"performed_at_0": "", "performed_at_1": ""}
    data |= {"reported_at_0": "", "reported_at_1": "", "accession_number": "", "study_instance_uid": ""}
    response = workspace.post(reverse("admin:cases_scan_add"), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IMAGING

    scan = Scan.objects.get(case=case)
    page = workspace.get(reverse("admin:cases_scan_change", args=[scan.pk]))
    changes = typed("performed_at", requested + dt.timedelta(hours=2)) | typed(
        "reported_at", requested + dt.timedelta(hours=3)
    )
    response = workspace.post(reverse("admin:cases_scan_change", args=[scan.pk]), admin_post_data(page, **changes))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_MDT


@pytest.mark.django_db
@pytest.mark.hazard("HAZ-160")
def test_a_report_from_the_pas_feed_moves_the_case_to_awaiting_mdt():
    patient = PatientFactory(mrn="MRN900001", nhs_number="9990000018")
    case = CaseFactory(patient=patient, status=CaseStatus.IMAGING)
    scan = ScanFactory(case=case, accession_number="ACC1001", requested_at=timezone.now() - dt.timedelta(days=3))
    version = scan.version
    performed, reported = timezone.now() - dt.timedelta(days=2), timezone.now() - dt.timedelta(days=1)

    feed_message_receive(
        hl7.report(
            "O1", "ACC1001", performed=f"{performed:%Y%m%d%H%M%S}+0000", reported=f"{reported:%Y%m%d%H%M%S}+0000"
        )
    )

    case.refresh_from_db()
    scan.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_MDT
    assert case.history.latest().history_user.username == "pas-feed"
    assert scan.version == version + 1  # a scan form opened before the report cannot erase it


@pytest.mark.django_db
@pytest.mark.hazard("HAZ-160")
def test_listing_a_case_moves_it_to_awaiting_mdt_and_a_decision_to_decided():
    user = team_user("coord", "mdt_coordinator")
    meeting = MeetingFactory(starts_at=next_wednesday_at())
    case = CaseFactory(status=CaseStatus.IMAGING)

    agenda_add_cases(meeting_id=meeting.pk, case_ids=[case.pk], user=user)
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_MDT


@pytest.mark.django_db
@pytest.mark.hazard("HAZ-160")
def test_a_decision_recorded_in_the_meeting_moves_the_case_to_decided_but_never_reopens_a_closed_case():
    oncologist = team_user("onc", "oncologist")
    surgeon = team_user("surgeon", "spinal_surgeon")
    data = DecisionInput(
        treatments=["cebrt"],
        no_treatment=False,
        intent="palliative",
        rationale="Radiosensitive primary, stable spine.",
        patient_preferences_considered=True,
        responsible_member_ids=[oncologist.member.pk, surgeon.member.pk],
    )
    meeting = MeetingFactory(under_way=True)
    open_case, closed_case = CaseFactory(status=CaseStatus.AWAITING_MDT), CaseFactory(status=CaseStatus.CLOSED)
    for case in (open_case, closed_case):
        decision_record(item_id=AgendaItemFactory(meeting=meeting, case=case).pk, user=oncologist, data=data)

    assert Case.objects.get(pk=open_case.pk).status == CaseStatus.DECIDED
    assert Case.objects.get(pk=closed_case.pk).status == CaseStatus.CLOSED
