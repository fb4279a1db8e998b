"""A coordinator's first minutes, in a real Chromium against the running app. Each page is checked at
1280 and 390 px (axe-core, no sideways scrolling); the workspace patient list's screenshot is the README's."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from cases.choices import PrimarySite, Sex
from tests.e2e.browser import Journey
from tests.factories import CaseFactory, PatientFactory, ScanFactory, coordinator_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_signs_in_finds_a_patient_by_nhs_number_and_opens_the_case(live_server, page: Page, tmp_path):
    user = coordinator_user("carys")  # the coordinator role's groups, as production assigns them
    user.first_name, user.last_name = "Carys", "Evans"
    user.set_password("a-long-demo-password")
    user.save()
    patient = PatientFactory(family_name="Griffiths", given_name="Alys", nhs_number="9434765919")
    case = CaseFactory(patient=patient, mdt_question="Stabilise before radiotherapy?", red_flags=["limb_weakness"])
    ScanFactory(case=case, performed=True)
    PatientFactory(family_name="Other")
    for family, given, sex, born, site in (  # a workspace list worth a screenshot
        ("Bowen", "Sian", Sex.FEMALE, dt.date(1958, 3, 2), PrimarySite.BREAST),
        ("Ahmed", "Bashir", Sex.MALE, dt.date(1946, 11, 20), PrimarySite.PROSTATE),
        ("Davies", "Kiran", Sex.MALE, dt.date(1967, 8, 19), PrimarySite.LUNG_NSCLC),
        ("Clarke", "Lowri", Sex.FEMALE, dt.date(1959, 5, 7), PrimarySite.MYELOMA),
        ("Edwards", "Terry", Sex.MALE, dt.date(1963, 5, 11), PrimarySite.KIDNEY),
    ):
        PatientFactory(family_name=family, given_name=given, sex=sex, date_of_birth=born, primary_site=site)
    journey = Journey(page, tmp_path)

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("a-long-demo-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="MRI scans waiting for review")).to_be_visible()
    expect(page.get_by_role("link", name="GRIFFITHS, Alys")).to_be_visible()
    journey.check("the coordinator's dashboard")

    page.get_by_role("link", name="Coordinators' workspace").click()
    page.get_by_role("link", name="Patients").first.click()
    expect(page.locator("#changelist-search")).to_be_visible()
    journey.check("the workspace's patient list", shot="admin-patients")
    page.locator("#changelist-search").get_by_role("textbox").fill("943 476 5919")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    page.locator("#result_list").get_by_role("link", name="GRIFFITHS, Alys").click()
    expect(page.get_by_label("NHS number")).to_have_value("9434765919")
    journey.check("the workspace's patient form")

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_role("heading", name="Suspected MSCC with neurology")).to_be_visible()
    expect(page.get_by_text("Limb weakness")).to_be_visible()
    expect(page.get_by_text("Stabilise before radiotherapy?")).to_be_visible()
    expect(page.get_by_text("Performed, awaiting report")).to_be_visible()
    journey.check("the case page")
    assert not journey.problems
