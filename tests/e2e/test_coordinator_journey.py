"""A coordinator's first minutes, in a real Chromium against the running app."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import CaseFactory, PatientFactory, ScanFactory, coordinator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_signs_in_finds_a_patient_by_nhs_number_and_opens_the_case(live_server, page: Page):
    user = coordinator()
    user.set_password("a-long-demo-password")
    user.save()
    patient = PatientFactory(family_name="Griffiths", given_name="Alys", nhs_number="9434765919")
    case = CaseFactory(patient=patient, mdt_question="Stabilise before radiotherapy?", red_flags=["limb_weakness"])
    ScanFactory(case=case, performed=True)
    PatientFactory(family_name="Other")
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("a-long-demo-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="MRI scans waiting for review")).to_be_visible()
    expect(page.get_by_role("link", name="GRIFFITHS, Alys")).to_be_visible()

    page.get_by_role("link", name="Coordinators' workspace").click()
    page.get_by_role("link", name="Patients").first.click()
    page.locator("#changelist-search").get_by_role("textbox").fill("943 476 5919")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator("#result_list").get_by_role("link", name="GRIFFITHS, Alys").click()
    expect(page.get_by_label("NHS number")).to_have_value("9434765919")

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_role("heading", name="Suspected MSCC with neurology")).to_be_visible()
    expect(page.get_by_text("Limb weakness")).to_be_visible()
    expect(page.get_by_text("Stabilise before radiotherapy?")).to_be_visible()
    expect(page.get_by_text("Performed, awaiting report")).to_be_visible()
    assert errors == []
