"""A long agenda you can move around, in a real Chromium: the coordinator records attendance at the
start, jumps from the contents to a case, collapses every block, adds a case found by name, and the
browser's print view shows the cases without the page's controls. axe-core and 390 px on each view."""

import pytest
from playwright.sync_api import Page, expect

from cases.choices import CaseStatus
from mdt.models import Member
from tests.e2e.browser import Journey, sign_in
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, PatientFactory, team_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"


def test_a_coordinator_moves_around_a_long_agenda_and_adds_a_case_by_name(live_server, page: Page, tmp_path):
    carys = team_user("carys", Member.Role.MDT_COORDINATOR)
    carys.set_password(PASSWORD)
    carys.save()
    for role, name in ((Member.Role.ONCOLOGIST, "olwen"), (Member.Role.SPINAL_SURGEON, "steffan")):
        team_user(name, role)
    meeting = MeetingFactory(location="Seminar room 2")
    names = [("Griffiths", "Alys"), ("Bowen", "Sian"), ("Hughes", "Gareth"), ("Price", "Ffion"), ("Evans", "Mair")]
    items = [
        AgendaItemFactory(
            meeting=meeting,
            case=CaseFactory(patient=PatientFactory(family_name=f, given_name=g, mrn=f"RX40{n:02d}")),
            position=n,
        )
        for n, (f, g) in enumerate(names, start=1)
    ]
    CaseFactory(
        patient=PatientFactory(family_name="Llewellyn", given_name="Nia", mrn="RX4100"), status=CaseStatus.AWAITING_MDT
    )
    base = live_server.url
    journey = Journey(page, tmp_path)

    sign_in(page, base, "carys", PASSWORD)
    page.goto(f"{base}/meetings/{meeting.pk}/")
    headings = page.locator("h2")
    expect(headings.filter(has_text="Record attendance")).to_be_visible()
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.locator("li")).to_have_count(5)
    expect(contents).to_contain_text("No outcome yet")
    journey.check("agenda", shot="agenda")

    contents.get_by_role("link", name="PRICE, Ffion").click()
    expect(page).to_have_url(f"{base}/meetings/{meeting.pk}/#item-{items[3].pk}")

    page.get_by_role("button", name="Collapse every case").click()
    expect(page.locator("details.agenda-details[open]")).to_have_count(0)
    journey.check("agenda, collapsed")
    page.get_by_role("button", name="Expand every case").click()
    expect(page.locator("details.agenda-details[open]")).to_have_count(5)

    # Add a case by name: the suggestion fills the case; the typed name is never in the address.
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.get_by_label("Find a case: MRN, NHS number or name").fill("llewel")
    page.get_by_role("button", name="LLEWELLYN, Nia · MRN RX4100").click()
    expect(page.get_by_text("Chosen: LLEWELLYN, Nia")).to_be_visible()
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_text("1 case added to the agenda. MRN RX4100.")).to_be_visible()
    assert not [url for url in requests if "llewel" in url.lower()]

    # The browser's print view: the cases, every block open, no forms.
    page.get_by_role("button", name="Collapse every case").click()
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.get_by_role("button", name="Save attendance")).to_be_hidden()
    expect(page.locator("details.agenda-details[open]")).to_have_count(6)
    page.screenshot(path=journey.shots / "agenda-print.png", full_page=True)
    page.emulate_media(media="screen")
