"""The printable agenda pack as the worker builds it (mdt.pdf.agenda_pack): a cover, then a page per
patient, numbered as in the contents, no blank pages; who the page is about in its header; every
fact of the agenda page on paper; each case's pages kept once laid out and laid out again when
anything they print changes."""

import datetime as dt
import io
import re

import pypdf
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mdt import pdf as mdt_pdf
from mdt.models import Member, PrintedSection
from mdt.pdf import agenda_pack
from mdt.selectors import meeting_agenda
from tests.factories import (
    AgendaItemFactory,
    AssessmentFactory,
    CaseFactory,
    MeetingFactory,
    PatientFactory,
    ScanFactory,
    clinician,
)
from tests.letters.makers import needs

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # WeasyPrint lays out every pack

FOOTER = "Confidential: patient information"


def pack_of(meeting):
    return agenda_pack(meeting_agenda(meeting_id=meeting.pk), page_url="https://mdt.example.org/meetings/1/")


def page_texts(pack) -> list[str]:
    """The text of each page of the built PDF, its header and footer included, spaces collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(pack.pdf))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def body_texts(pack) -> list[str]:
    """Each page's text without its running header and footer lines: empty means a blank page."""
    reader = pypdf.PdfReader(io.BytesIO(pack.pdf))
    bodies = []
    for page in reader.pages:
        lines = [line for line in page.extract_text().splitlines() if FOOTER not in line and " · MRN " not in line]
        bodies.append(re.sub(r"[\s•]+", " ", " ".join(lines)).strip())
    return bodies


def words(pack) -> str:
    return " ".join(page_texts(pack))


@pytest.mark.hazard("HAZ-033")
def test_each_patient_starts_a_page_after_the_cover_and_no_page_is_blank():
    meeting = MeetingFactory()
    names = ["Aaronson", "Bevan", "Carver"]
    for name in names:
        AgendaItemFactory(meeting=meeting, case=CaseFactory(patient=PatientFactory(family_name=name)))

    pack = pack_of(meeting)

    texts = page_texts(pack)
    assert len(texts) == pack.pages == 1 + len(names)
    assert "Agenda: 3 cases" in texts[0] and "Contents, page 1 of 1" in texts[0]
    for number, (page, name) in enumerate(zip(texts[1:], names, strict=True), start=1):
        assert f"{number}. {name.upper()}," in page
        assert f"Case {number} of {len(names)}" in page
    assert all(body_texts(pack))


def test_an_empty_agenda_is_one_page():
    meeting = MeetingFactory()

    pack = pack_of(meeting)

    assert pack.pages == 1
    assert "No case is listed." in page_texts(pack)[0]


@pytest.mark.hazard("HAZ-008")
def test_a_long_report_flows_onto_a_second_page_without_blank_pages():
    meeting = MeetingFactory()
    case = CaseFactory()
    ScanFactory(case=case, performed=True, report="Long report line. " * 900, reported_at=timezone.now())
    AgendaItemFactory(meeting=meeting, case=case)

    bodies = body_texts(pack_of(meeting))
    assert len(bodies) >= 3
    assert "Long report line." in bodies[1] and "Long report line." in bodies[2]
    assert all(bodies)


@pytest.mark.hazard("HAZ-025")
def test_the_pdf_is_served_inline_uncached_with_no_patient_name_in_the_file_name(client):
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, case=CaseFactory(patient=PatientFactory(family_name="Zanetti")))
    client.force_login(clinician("nurse", Member.Role.NURSE_SPECIALIST))

    response = client.get(reverse("meeting-pdf", args=[meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="mdt-agenda-') and "Zanetti" not in disposition
    assert response.content.startswith(b"%PDF-")


def test_the_pdf_of_a_missing_meeting_is_a_404(client):
    client.force_login(clinician())

    assert client.get(reverse("meeting-pdf", args=[424242])).status_code == 404


@pytest.mark.hazard("HAZ-001", "HAZ-168")
def test_every_page_of_a_case_names_its_patient_with_the_mrn_and_nhs_number():
    meeting = MeetingFactory()
    long_case = CaseFactory(patient=PatientFactory(family_name="Aaronson"))
    ScanFactory(case=long_case, performed=True, report="Long report line. " * 900, reported_at=timezone.now())
    other = CaseFactory(patient=PatientFactory(family_name="Bevan"))
    for case in (long_case, other):
        AgendaItemFactory(meeting=meeting, case=case)

    pack = pack_of(meeting)

    texts = page_texts(pack)
    second = next(number for number, body in enumerate(body_texts(pack)) if "2. BEVAN," in body)
    assert second >= 3  # the cover, then the first case over two pages or more
    for number, page in enumerate(texts[1:], start=1):
        first = number < second
        patient, stranger = (long_case.patient, other.patient) if first else (other.patient, long_case.patient)
        ids = f"{patient.display_name} · MRN {patient.mrn} · NHS {patient.nhs_number_display} · born 17 May 1950"
        assert ids in page
        assert f"Case {1 if first else 2} of 2" in page
        assert stranger.mrn not in page and stranger.family_name.upper() not in page


@pytest.mark.hazard("HAZ-008", "HAZ-103")
def test_the_pack_prints_every_fact_of_a_fully_recorded_case():
    patient = PatientFactory(family_name="Whitlock", primary_site_detail="left breast, ER positive")
    case = CaseFactory(
        patient=patient,
        referrer="Dr C. Lewis, Riverside General",
        frankel_grade="D",
        asia_grade="C",
        ambulatory_status="walks_with_aid",
        ecog=2,
        karnofsky=60,
        spinal_levels=["T7", "T8"],
        suspected_diagnosis_at=timezone.now() - dt.timedelta(days=2),
    )
    needs(patient, braille=True)
    reviewer = clinician("reviewer")
    performed = timezone.now() - dt.timedelta(hours=30)
    ScanFactory(
        case=case,
        requested_at=performed - dt.timedelta(hours=2),
        performed_at=performed,
        reported_at=performed + dt.timedelta(hours=2),
        report="Posterior element involvement at T7, CSF effaced.",
        escc_grade=5,
        escc_level="T7",
        reviewed_at=performed + dt.timedelta(hours=3),
        reviewed_by=reviewer,
    )
    AssessmentFactory(case=case)
    earlier = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=14))
    AgendaItemFactory(meeting=earlier, case=case, question="Radiotherapy first?")
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, case=case, question="Fit for decompression surgery?")

    agenda = meeting_agenda(meeting_id=meeting.pk)
    printed = words(agenda_pack(agenda, page_url="https://x.example.org/"))

    [block] = agenda.blocks
    facts = [
        "left breast, ER positive",
        "Dr C. Lewis, Riverside General",
        "Neurological:",
        "T7, T8",
        "Braille",
        case.get_frankel_grade_display(),
        case.get_asia_grade_display(),
        "Walks with an aid",
        case.get_ecog_display(),
        "60%",
        "Whole-spine MRI",
        "Posterior element involvement at T7, CSF effaced.",
        "at T7",
        reviewer.get_full_name() or reviewer.get_username(),
        "Radiotherapy first?",
        "Fit for decompression surgery?",
        "SINS T7:",
        "Revised Tokuhashi",
        "Tomita",
        "NOMS suggestion",
        block.summary.noms.notice,
    ]
    facts += [clock.target.label for clock in block.summary.clocks]
    facts += [check.reason for check in block.readiness.missing]
    assert block.summary.clocks
    assert [fact for fact in facts if fact not in printed] == []


def three_case_meeting():
    meeting = MeetingFactory()
    items = [
        AgendaItemFactory(meeting=meeting, case=CaseFactory(patient=PatientFactory(family_name=name)), position=n)
        for n, name in enumerate(["Aaronson", "Bevan", "Carver"], start=1)
    ]
    return meeting, items


@pytest.mark.hazard("HAZ-002", "HAZ-168")
def test_a_rebuild_lays_out_only_the_case_that_changed_and_prints_the_change():
    meeting, items = three_case_meeting()
    first = pack_of(meeting)
    assert first.laid_out == 3

    again = pack_of(meeting)
    assert again.laid_out == 0
    assert page_texts(again)[1:] == page_texts(first)[1:]

    items[1].question = "Is the T9 lesion stable after radiotherapy?"
    items[1].save()
    changed = pack_of(meeting)

    assert changed.laid_out == 1
    texts = page_texts(changed)
    assert "Is the T9 lesion stable after radiotherapy?" in texts[2] and "2. BEVAN," in texts[2]
    assert sum("Is the T9 lesion stable" in text for text in texts) == 1
    assert texts[1] == page_texts(first)[1] and texts[3] == page_texts(first)[3]


@pytest.mark.hazard("HAZ-001", "HAZ-168")
def test_moving_a_case_lays_out_the_cases_whose_number_changed_and_each_page_names_its_own_patient():
    meeting, items = three_case_meeting()
    pack_of(meeting)
    aaronson, bevan = items[0], items[1]
    aaronson.position, bevan.position = 2, 1
    aaronson.save()
    bevan.save()

    moved = pack_of(meeting)

    assert moved.laid_out == 2
    texts = page_texts(moved)
    for number, patient in ((1, bevan.case.patient), (2, aaronson.case.patient), (3, items[2].case.patient)):
        page = texts[number]
        assert f"{number}. {patient.display_name}" in page and f"Case {number} of 3" in page
        assert f"{patient.display_name} · MRN {patient.mrn}" in page
        others = [item.case.patient for item in items if item.case.patient != patient]
        assert all(other.mrn not in page for other in others)


@pytest.mark.hazard("HAZ-047", "HAZ-168")
def test_a_running_clock_prints_its_due_time_and_a_change_of_state_lays_its_case_out_again():
    start = timezone.now() - dt.timedelta(hours=2)
    case = CaseFactory(presentation="suspected_mscc", suspected_diagnosis_at=start)
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, case=case)
    [clock] = [c for c in meeting_agenda(meeting_id=meeting.pk).blocks[0].summary.clocks if c.is_open]
    due = timezone.localtime(clock.due_at).strftime("%-d %b %Y, %H:%M")

    printed = pack_of(meeting)
    text = words(printed)
    assert f"due {due}" in text and "Running" in text
    assert re.search(r"\d+ h \d+ min", text) is None  # no "time left": it would be stale on paper

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=20)):
        assert pack_of(meeting).laid_out == 0  # only the time passed: the pages print the same
    at_risk = clock.target.at_risk_from(clock.started_at) + dt.timedelta(minutes=1)
    with time_machine.travel(at_risk):
        later = pack_of(meeting)
    assert later.laid_out == 1 and "At risk" in words(later)


@pytest.mark.hazard("HAZ-168")
def test_pages_no_pack_has_printed_for_a_week_are_deleted_by_the_next_build():
    meeting, _ = three_case_meeting()
    pack_of(meeting)
    assert PrintedSection.objects.count() == 3

    other = MeetingFactory()
    AgendaItemFactory(meeting=other)
    with time_machine.travel(timezone.now() + mdt_pdf.SECTION_KEEP + dt.timedelta(hours=1)):
        pack_of(other)

    assert PrintedSection.objects.count() == 1


@pytest.mark.hazard("HAZ-008")
def test_an_earlier_meetings_question_is_printed_whole():
    """No PDF shortens what was written: a long question from an earlier meeting is printed to its last word."""
    case = CaseFactory()
    asked = (
        "Fit for decompression and stabilisation at T7 given the new weakness in both legs, or radiotherapy alone "
        "because of the lung disease and the recent fall; if surgery, before or after the planned chemotherapy "
        "cycle, and should the steroids be reduced first? Last words kept: ends with the palliative care view."
    )
    assert len(asked) > 300
    AgendaItemFactory(
        meeting=MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=14)), case=case, question=asked
    )
    meeting = MeetingFactory()
    AgendaItemFactory(meeting=meeting, case=case, question="Surgery now?")

    printed = words(pack_of(meeting))

    assert f"Asked: “{asked}”" in printed
