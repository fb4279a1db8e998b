"""Next week's MDT, in a real Chromium: a coordinator builds the agenda from the candidates, a
clinician prepares a case from the agenda page and downloads the agenda pack. Each main page is checked
at 1280 and 390 px (axe-core, no sideways scrolling)."""

import pytest
from playwright.sync_api import Page, expect

from cases.choices import CaseStatus, Presentation
from mdt.models import Member
from tests.e2e.browser import Journey, looks_enabled, sign_in
from tests.factories import CaseFactory, MeetingFactory, PatientFactory, ScanFactory, clinician, coordinator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"


def test_a_coordinator_builds_next_weeks_agenda_and_a_clinician_prepares_from_it(live_server, page: Page, tmp_path):
    carys = coordinator("carys")
    oliver = clinician("oliver", Member.Role.ONCOLOGIST)
    oliver.first_name, oliver.last_name = "Oliver", "Grant"
    for user in (carys, oliver):
        user.set_password(PASSWORD)
        user.save()
    meeting = MeetingFactory(location="Seminar room 2")
    griffiths = CaseFactory(
        patient=PatientFactory(family_name="Griffiths", given_name="Alys"),
        status=CaseStatus.AWAITING_MDT,
        mdt_question="Stabilise T7 before radiotherapy?",
    )
    ScanFactory(case=griffiths, performed=True)
    CaseFactory(
        patient=PatientFactory(family_name="Bowen", given_name="Sian"),
        status=CaseStatus.AWAITING_MDT,
        presentation=Presentation.KNOWN_DISEASE_REVIEW,
        red_flags=["nocturnal_pain"],
    )
    CaseFactory(patient=PatientFactory(family_name="Imaging"), status=CaseStatus.IMAGING)  # not a candidate
    journey = Journey(page, tmp_path)
    base = live_server.url

    # The coordinator: Meetings → next week's meeting → tick the candidates → add.
    sign_in(page, base, "carys", PASSWORD)
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name=meeting.starts_at.astimezone().strftime("%a %-d %b %Y, %H:%M")).click()
    candidates = page.locator("table.candidates tbody tr")
    expect(candidates).to_have_count(2)
    journey.check("next week's meeting with its candidates")
    page.get_by_label("GRIFFITHS, Alys").check()
    page.get_by_label("BOWEN, Sian").check()
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_text("2 cases added to the agenda.")).to_be_visible()
    blocks = page.locator("article.agenda-block")
    expect(blocks).to_have_count(2)
    expect(blocks.first).to_contain_text("GRIFFITHS, Alys")  # suspected MSCC first
    expect(blocks.first).to_contain_text("Stabilise T7 before radiotherapy?")
    expect(blocks.first).to_contain_text("Not ready")  # no report, scores or radiologist review yet
    journey.check("the agenda built")

    # Set the question for the second case, from the keyboard-friendly form.
    second = blocks.nth(1)
    second.get_by_text("Set the question and presenter").click()
    second.get_by_label("Question for the MDT").fill("Is a brace enough?")
    second.get_by_label("Presenter").select_option(label="Oliver Grant (Oncologist)")
    second.get_by_role("button", name="Save").click()
    expect(page.locator("article.agenda-block").nth(1)).to_contain_text("Is a brace enough?")

    # The clinician: Dashboard → Next meetings → the agenda → mark a case prepared → the PDF.
    sign_in(page, base, "oliver", PASSWORD)
    page.locator("#next-meetings-heading").scroll_into_view_if_needed()
    page.get_by_role("link", name=meeting.starts_at.astimezone().strftime("%A %-d %B, %H:%M")).click()
    expect(page.get_by_role("heading", name="Cases for discussion")).to_be_visible()
    expect(page.get_by_role("button", name="Add to the agenda")).to_have_count(1)  # by number only
    expect(page.locator("table.candidates")).to_have_count(0)
    first = page.locator("article.agenda-block").first
    first.get_by_role("button", name="Mark as prepared").click()
    expect(page.get_by_text("You have prepared this case")).to_be_visible()
    expect(page.locator("article.agenda-block").first).to_contain_text("Prepared by: Oliver Grant (Oncologist)")
    journey.check("the agenda as a clinician, a case prepared")
    looks_enabled(page.get_by_role("link", name="Add to calendar (.ics)"))

    pdf_path = page.get_by_role("link", name="Agenda pack (PDF)").get_attribute("href")
    assert pdf_path == f"/meetings/{meeting.pk}/agenda.pdf"
    pdf = page.request.get(f"{base}{pdf_path}")
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
    ics = page.request.get(f"{base}/meetings/{meeting.pk}/calendar.ics")
    assert "BEGIN:VEVENT" in ics.text() and "Griffiths" not in ics.text()

    # The coordinator sees who has prepared.
    sign_in(page, base, "carys", PASSWORD)
    page.goto(f"{base}/meetings/{meeting.pk}/")
    expect(page.locator("article.agenda-block").first).to_contain_text("Oliver Grant (Oncologist)")
    assert not journey.problems
