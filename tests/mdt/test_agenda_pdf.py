"""The printable agenda pack: a cover, then a page per patient, page numbers, no blank pages; who the
page is about in its header; every fact of the agenda page on paper."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from mdt.models import Member
from mdt.pdf import render_agenda
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


def text(box) -> str:
    own = getattr(box, "text", "") or ""
    return own + "".join(text(child) for child in getattr(box, "children", []))


def page_texts(document) -> list[str]:
    """The text laid out on each page (margin boxes included), from WeasyPrint's own layout tree."""
    return [text(page._page_box) for page in document.pages]


def body_texts(document) -> list[str]:
    """The text of each page without its running header and footer: empty means a blank page."""
    return [
        "".join(text(child) for child in page._page_box.children if type(child).__name__ != "MarginBox").strip()
        for page in document.pages
    ]


def header_texts(document) -> list[str]:
    """The running header and footer of each page."""
    return [
        "".join(text(child) for child in page._page_box.children if type(child).__name__ == "MarginBox")
        for page in document.pages
    ]


def words(document) -> str:
    """The pack's text, each line and box apart, spaces collapsed: a value wrapped over two lines reads whole."""

    def spaced(box) -> str:
        return (getattr(box, "text", "") or "") + " " + " ".join(spaced(c) for c in getattr(box, "children", []))

    return re.sub(r"\s+", " ", " ".join(spaced(page._page_box) for page in document.pages))


@pytest.mark.hazard("HAZ-033")
def test_each_patient_starts_a_page_after_the_cover_and_no_page_is_blank():
    meeting = MeetingFactory()
    names = ["Aaronson", "Bevan", "Carver"]
    for name in names:
        AgendaItemFactory(meeting=meeting, case=CaseFactory(patient=PatientFactory(family_name=name)))

    document = render_agenda(meeting_agenda(meeting_id=meeting.pk), page_url="https://mdt.example.org/meetings/1/")

    texts = page_texts(document)
    assert len(texts) == 1 + len(names)
    assert "Agenda: 3 cases" in texts[0]
    for page, name in zip(texts[1:], names, strict=True):
        assert f"{name.upper()}," in page
    for number, page in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in page
    assert all(body_texts(document))


def test_an_empty_agenda_is_one_page():
    meeting = MeetingFactory()

    document = render_agenda(meeting_agenda(meeting_id=meeting.pk), page_url="https://mdt.example.org/")

    assert len(document.pages) == 1
    assert "No case is listed." in page_texts(document)[0]


@pytest.mark.hazard("HAZ-008")
def test_a_long_report_flows_onto_a_second_page_without_blank_pages():
    meeting = MeetingFactory()
    case = CaseFactory()
    ScanFactory(case=case, performed=True, report="Long report line. " * 900, reported_at=timezone.now())
    AgendaItemFactory(meeting=meeting, case=case)

    document = render_agenda(meeting_agenda(meeting_id=meeting.pk), page_url="https://x.example.org/")

    bodies = body_texts(document)
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


@pytest.mark.hazard("HAZ-001")
def test_every_page_of_a_case_names_its_patient_with_the_mrn_and_nhs_number():
    meeting = MeetingFactory()
    long_case = CaseFactory(patient=PatientFactory(family_name="Aaronson"))
    ScanFactory(case=long_case, performed=True, report="Long report line. " * 900, reported_at=timezone.now())
    other = CaseFactory(patient=PatientFactory(family_name="Bevan"))
    for case in (long_case, other):
        AgendaItemFactory(meeting=meeting, case=case)

    document = render_agenda(meeting_agenda(meeting_id=meeting.pk), page_url="https://x.example.org/")

    headers = header_texts(document)
    second = next(number for number, body in enumerate(body_texts(document)) if "2. BEVAN," in body)
    assert second >= 3  # the cover, then the first case over two pages or more
    for number, header in enumerate(headers[1:], start=1):
        first = number < second
        patient, stranger = (long_case.patient, other.patient) if first else (other.patient, long_case.patient)
        ids = f"{patient.display_name} · MRN {patient.mrn} · NHS {patient.nhs_number_display} · born 17 May 1950"
        assert ids in header
        assert stranger.mrn not in header and stranger.family_name.upper() not in header


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
    printed = words(render_agenda(agenda, page_url="https://x.example.org/"))

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
