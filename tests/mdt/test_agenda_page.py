"""The agenda page at /meetings/<id>/: who sees what, readiness flags, preparation, constant queries."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus, EsccGradeChoice
from cases.models import Scan
from cases.services import scan_mark_reviewed
from mdt.models import AgendaItem, Meeting, Member, Preparation
from tests.factories import (
    TOKUHASHI_COMPLETE,
    AgendaItemFactory,
    AssessmentFactory,
    CaseFactory,
    MeetingFactory,
    ScanFactory,
    clinician,
    coordinator,
)

pytestmark = pytest.mark.django_db


def ready_case(radiologist, **kwargs):
    """A case with everything the MDT needs: a reported MRI reviewed by a radiologist, SINS and Tokuhashi."""
    case = CaseFactory(status=CaseStatus.AWAITING_MDT, mdt_question="Stabilise T7?", **kwargs)
    now = timezone.now()
    scan = ScanFactory(
        case=case,
        requested_at=now - dt.timedelta(hours=30),
        performed_at=now - dt.timedelta(hours=28),
        reported_at=now - dt.timedelta(hours=27),
        report="Deposit at T7 with cord abutment.",
        escc_grade=EsccGradeChoice.G1C,
        escc_level="T7",
        reviewed_at=now - dt.timedelta(hours=20),
        reviewed_by=radiologist,
    )
    AssessmentFactory(case=case, scan=scan, assessed_by=radiologist)
    AssessmentFactory(
        case=case,
        kind="tokuhashi",
        version="tokuhashi_revised_2005",
        level="",
        components=TOKUHASHI_COMPLETE,
        total=15,
        band="ge12",
        assessed_by=radiologist,
    )
    return case


@pytest.fixture
def radiologist():
    return clinician("radiologist", Member.Role.RADIOLOGIST)


@pytest.fixture
def meeting():
    return MeetingFactory()


def url(meeting) -> str:
    return reverse("meeting-detail", args=[meeting.pk])


# --------------------------------------------------------------------------- who sees what


def test_it_sends_anonymous_visitors_to_sign_in(client, meeting):
    for path in (url(meeting), reverse("meeting-pdf", args=[meeting.pk]), reverse("meeting-ics", args=[meeting.pk])):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_answers_404_for_a_meeting_that_does_not_exist(client):
    client.force_login(clinician())

    assert client.get(reverse("meeting-detail", args=[98765])).status_code == 404


def test_a_clinician_reads_the_agenda_without_the_coordinators_controls(client, meeting, radiologist):
    AgendaItemFactory(meeting=meeting, case=ready_case(radiologist))
    CaseFactory(status=CaseStatus.AWAITING_MDT)  # a candidate only coordinators see
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    response = client.get(url(meeting))

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Mark as prepared" in html
    assert "Move up" not in html and "Withdraw" not in html and "Record attendance" not in html
    assert response.context["candidates"] == []
    assert "List a case by its number" in html  # before the agenda closes a clinician may list a case


def test_a_coordinator_sees_the_candidates_and_the_controls_but_cannot_mark_preparation(client, meeting):
    waiting = CaseFactory(status=CaseStatus.AWAITING_MDT)
    AgendaItemFactory(meeting=meeting)
    client.force_login(coordinator())

    response = client.get(url(meeting))

    html = response.content.decode()
    assert [c.case for c in response.context["candidates"]] == [waiting]
    assert f'name="case_ids" value="{waiting.pk}"' in html
    assert "Move up" in html and "Record attendance" in html
    assert "Mark as prepared" not in html


def test_the_block_shows_what_a_clinician_needs_to_prepare(client, meeting, radiologist):
    case = ready_case(radiologist, frankel_grade="D", ecog=2, karnofsky=70, spinal_levels=["T7"])
    earlier = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=7), status=Meeting.Status.CONCLUDED)
    AgendaItemFactory(meeting=earlier, case=case, status=AgendaItem.Status.DISCUSSED, question="Earlier question")
    AgendaItemFactory(meeting=meeting, case=case, question="Separation surgery then SBRT?")
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    html = client.get(url(meeting)).content.decode()

    for text in (
        case.patient.display_name,
        case.patient.mrn,
        "Breast",  # primary
        "Suspected MSCC with neurology",
        "Limb weakness",  # neurological red flag
        "D: motor useful",
        "2: self-caring",
        "70%",
        "Deposit at T7 with cord abutment.",  # the MRI report
        "1c: tumour abuts the cord",
        "Separation surgery then SBRT?",
        "Earlier question",  # previous MDT discussion
        "SINS T7",  # scores from the cases app
        "Pathway clocks (NICE)",
    ):
        assert text in html, text
    assert "Ready</span>" in html


@pytest.mark.hazard("HAZ-014")
def test_items_that_are_not_ready_are_flagged_with_the_reasons(client, meeting):
    AgendaItemFactory(meeting=meeting, question="", case=CaseFactory())
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    response = client.get(url(meeting))

    [block] = response.context["agenda"].blocks
    assert [check.key for check in block.readiness.missing] == [
        "mri_reported",
        "question",
        "scores",
        "radiologist_review",
    ]
    html = response.content.decode()
    assert "Not ready: latest MRI not reported; no question for the MDT; no SINS; no complete revised Tokuhashi" in html
    assert "1 not ready for discussion" in html


@pytest.mark.hazard("HAZ-015")
def test_a_scan_reviewed_by_a_surgeon_is_not_a_radiologist_review(client, meeting, radiologist):
    case = ready_case(radiologist)
    scan = case.scans.get()
    Scan.objects.filter(pk=scan.pk).update(reviewed_at=None, reviewed_by=None, reviewer_role="")
    scan_mark_reviewed(scan_id=scan.pk, user=clinician("surgeon", Member.Role.SPINAL_SURGEON))
    AgendaItemFactory(meeting=meeting, case=case)
    client.force_login(radiologist)

    [block] = client.get(url(meeting)).context["agenda"].blocks

    assert [check.key for check in block.readiness.missing] == ["radiologist_review"]


@pytest.mark.hazard("HAZ-015")
def test_readiness_reads_the_role_recorded_at_the_review_not_the_reviewers_role_today(client, meeting, radiologist):
    case = ready_case(radiologist)  # reviewed by the radiologist
    radiologist.member.role = Member.Role.ONCOLOGIST  # who later changes role
    radiologist.member.save()
    AgendaItemFactory(meeting=meeting, case=case)
    client.force_login(radiologist)

    [block] = client.get(url(meeting)).context["agenda"].blocks

    assert block.readiness.ready


@pytest.mark.hazard("HAZ-015")
def test_the_workspace_cannot_name_a_surgeon_as_the_radiologists_review(radiologist):
    scan = ready_case(radiologist).scans.get()
    scan.reviewed_by, scan.reviewer_role = clinician("surgeon", Member.Role.SPINAL_SURGEON), ""

    with pytest.raises(ValidationError) as error:
        scan.full_clean()

    assert "name a radiologist" in error.value.message_dict["reviewed_by"][0]


# --------------------------------------------------------------------------- preparation


def test_a_clinician_marks_a_case_prepared_and_the_coordinator_sees_who(client, meeting):
    item = AgendaItemFactory(meeting=meeting)
    surgeon = clinician("surgeon", Member.Role.SPINAL_SURGEON)
    surgeon.first_name, surgeon.last_name = "Sofia", "Marin"
    surgeon.save()
    client.force_login(surgeon)

    response = client.post(reverse("agenda-item-prepared", args=[meeting.pk, item.pk]), {"prepared": "1"})

    assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")
    assert Preparation.objects.filter(item=item, member=surgeon.member).exists()
    assert "You have prepared this case" in client.get(url(meeting)).content.decode()
    client.force_login(coordinator())
    assert "Prepared by: Sofia Marin (Spinal surgeon)" in client.get(url(meeting)).content.decode()


def test_marking_twice_keeps_one_mark_and_undo_removes_it(client, meeting):
    item = AgendaItemFactory(meeting=meeting)
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))
    prepared = reverse("agenda-item-prepared", args=[meeting.pk, item.pk])

    client.post(prepared, {"prepared": "1"})
    client.post(prepared, {"prepared": "1"})
    assert item.preparations.count() == 1
    client.post(prepared, {"prepared": "0"})
    assert item.preparations.count() == 0


def test_a_coordinator_cannot_mark_preparation_for_a_clinician(client, meeting):
    item = AgendaItemFactory(meeting=meeting)
    client.force_login(coordinator())

    response = client.post(reverse("agenda-item-prepared", args=[meeting.pk, item.pk]), {"prepared": "1"})

    assert response.status_code == 403
    assert not Preparation.objects.exists()


def test_an_item_of_another_meeting_is_a_404(client, meeting):
    other = AgendaItemFactory()
    client.force_login(clinician())

    assert client.post(reverse("agenda-item-prepared", args=[meeting.pk, other.pk])).status_code == 404


def test_actions_accept_only_post(client, meeting):
    item = AgendaItemFactory(meeting=meeting)
    client.force_login(coordinator())

    assert client.get(reverse("agenda-item-withdraw", args=[meeting.pk, item.pk])).status_code == 405


# --------------------------------------------------------------------------- building from the page


def test_the_coordinator_adds_ticked_candidates_from_the_page(client, meeting):
    first, second = CaseFactory(status=CaseStatus.AWAITING_MDT), CaseFactory(status=CaseStatus.AWAITING_MDT)
    client.force_login(coordinator())

    response = client.post(
        reverse("agenda-add", args=[meeting.pk]),
        {"case_ids": [first.pk, second.pk], f"source-{first.pk}": "awaiting_mdt", f"source-{second.pk}": "bogus"},
        follow=True,
    )

    assert "2 cases added to the agenda." in response.content.decode()
    assert dict(meeting.items.values_list("case_id", "source")) == {first.pk: "awaiting_mdt", second.pk: "added"}


def test_bad_input_on_the_page_gives_a_clear_message_and_saves_nothing(client, meeting):
    closed = CaseFactory(status=CaseStatus.CLOSED)
    client.force_login(coordinator())

    response = client.post(reverse("agenda-add", args=[meeting.pk]), {"case_number": closed.pk}, follow=True)

    assert f"Case {closed.pk} is closed: reopen it before listing it for the MDT." in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_adding_nothing_says_what_to_do(client, meeting):
    client.force_login(coordinator())

    response = client.post(reverse("agenda-add", args=[meeting.pk]), {}, follow=True)

    assert "Tick at least one candidate, or type a case number." in response.content.decode()


def test_the_coordinator_reorders_and_edits_items_from_the_page(client, meeting):
    first, second = AgendaItemFactory(meeting=meeting, position=1), AgendaItemFactory(meeting=meeting, position=2)
    oncologist = clinician("oncologist", Member.Role.ONCOLOGIST).member
    client.force_login(coordinator())

    client.post(reverse("agenda-item-move", args=[meeting.pk, second.pk]), {"direction": "up"})
    client.post(
        reverse("agenda-item-update", args=[meeting.pk, first.pk]),
        {f"item{first.pk}-question": "Vertebroplasty?", f"item{first.pk}-presenter": oncologist.pk},
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (1, 2)
    assert (first.question, first.presenter) == ("Vertebroplasty?", oncologist)


# --------------------------------------------------------------------------- speed


def build_agenda(meeting, count: int, radiologist) -> None:
    earlier = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=7), status=Meeting.Status.CONCLUDED)
    preparers = [clinician(f"prep{n}", Member.Role.ONCOLOGIST).member for n in range(2)]
    presenter = radiologist.member
    for _ in range(count):
        case = ready_case(radiologist)
        AgendaItemFactory(meeting=earlier, case=case, status=AgendaItem.Status.DISCUSSED)
        item = AgendaItemFactory(meeting=meeting, case=case, presenter=presenter)
        for member in preparers:
            Preparation.objects.create(item=item, member=member)
    AgendaItemFactory(meeting=meeting, status=AgendaItem.Status.WITHDRAWN)
    CaseFactory(status=CaseStatus.AWAITING_MDT)  # one candidate


# Clinician: session, user, member (navbar and role), meeting with chair, items (case, patient,
# responsible clinician, presenter, added_by joined), scans (+ reviewer and role), assessments
# (+ scorer and scan), earlier agenda items (+ meetings), preparations (+ members), attendance,
# one INSERT recording who viewed which patients (accounts.AccessRecord, bulk), and the user's and
# groups' permissions (the "Record outcome" links).
CLINICIAN_QUERIES = 13
# Coordinator: the same, plus active members (presenter choices and attendance form), the
# previous meeting, the five candidate sources, and the candidate cases.
COORDINATOR_QUERIES = CLINICIAN_QUERIES + 8


@pytest.mark.parametrize("count", [5, 60])
def test_the_agenda_page_runs_the_same_queries_for_5_or_60_cases(
    client, meeting, radiologist, count, django_assert_max_num_queries
):
    build_agenda(meeting, count, radiologist)
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    with django_assert_max_num_queries(CLINICIAN_QUERIES):
        response = client.get(url(meeting))

    assert len(response.context["agenda"].blocks) == count
    assert len(re.findall(r'class="card mb-4 agenda-block', response.content.decode())) == count


@pytest.mark.parametrize("count", [5, 60])
def test_the_coordinators_agenda_page_runs_the_same_queries_for_5_or_60_cases(
    client, meeting, radiologist, count, django_assert_max_num_queries
):
    build_agenda(meeting, count, radiologist)
    client.force_login(coordinator())

    with django_assert_max_num_queries(COORDINATOR_QUERIES):
        response = client.get(url(meeting))

    assert len(response.context["agenda"].blocks) == count
    assert len(response.context["candidates"]) == 1


@pytest.mark.parametrize("count", [5, 60])
def test_the_pdf_runs_the_same_queries_for_5_or_60_cases(
    client, meeting, radiologist, count, django_assert_max_num_queries
):
    build_agenda(meeting, count, radiologist)
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))
    with time_machine.travel(timezone.now(), tick=False):  # the same cache window (mdt.printing)
        client.get(reverse("meeting-pdf", args=[meeting.pk]))  # built (by the worker; in tests, in the request)

        # session, user, meeting with chair, items, scans, assessments, earlier items, preparations,
        # attendance (the HTML whose digest names the PDF), the PDF built from it, access records (one INSERT)
        with django_assert_max_num_queries(11):
            response = client.get(reverse("meeting-pdf", args=[meeting.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_coordinator_adds_every_candidate_in_one_click(client, meeting):
    waiting = [CaseFactory(status=CaseStatus.AWAITING_MDT) for _ in range(3)]
    client.force_login(coordinator())
    assert "Add all 3 candidates" in client.get(url(meeting)).content.decode()

    response = client.post(reverse("agenda-add", args=[meeting.pk]), {"all_candidates": "1"}, follow=True)

    assert "3 cases added to the agenda." in response.content.decode()
    assert set(meeting.items.values_list("case_id", flat=True)) == {case.pk for case in waiting}
    assert set(meeting.items.values_list("source", flat=True)) == {AgendaItem.Source.AWAITING_MDT}


def test_a_clinician_cannot_add_the_whole_candidate_list(client, meeting):
    CaseFactory(status=CaseStatus.AWAITING_MDT)
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    response = client.post(reverse("agenda-add", args=[meeting.pk]), {"all_candidates": "1"})

    assert response.status_code == 403
    assert not AgendaItem.objects.exists()
