"""The printable agenda pack: a cover, then a page per patient, page numbers, no blank pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from mdt.models import Member
from mdt.pdf import render_agenda
from mdt.selectors import meeting_agenda
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, PatientFactory, ScanFactory, clinician

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
