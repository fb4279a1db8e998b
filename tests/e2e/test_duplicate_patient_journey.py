"""A coordinator registers a patient in the workspace, in a real Chromium (HAZ-020): one with the same family
name and date of birth is registered already, so the form names them, linked, and saves only once the
coordinator ticks that this is a different person. Every page passes axe-core and fits a phone."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from cases.models import Patient
from mdt.models import Member
from tests.e2e.browser import Journey, sign_in
from tests.e2e.test_case_form_journey import PASSWORD, person
from tests.factories import PatientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.hazard("HAZ-020")]


def test_a_coordinator_registering_a_possible_duplicate_sees_them_and_says_it_is_a_different_person(
    live_server, page: Page, tmp_path
):
    person("ceri", Member.Role.MDT_COORDINATOR, "Ceri", "Jones")
    PatientFactory(family_name="Griffiths", given_name="Alys", mrn="RX2001", date_of_birth=dt.date(1950, 1, 1),
                   nhs_number=None)  # fmt: skip
    base = live_server.url
    journey = Journey(page, tmp_path)

    sign_in(page, base, "ceri", PASSWORD)
    page.goto(f"{base}/admin/cases/patient/add/")
    page.get_by_label("MRN:", exact=True).fill("CV7734")
    page.get_by_label("Given name:", exact=True).fill("Alys")
    page.get_by_label("Family name:", exact=True).fill("GRÍFFITHS")
    page.get_by_label("Date of birth:", exact=True).fill("01/01/1950")
    page.get_by_label("Sex:", exact=True).select_option(label="Female")
    page.get_by_label("Primary site:", exact=True).select_option(label="Breast")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Possible duplicate: GRIFFITHS, Alys, born 1 Jan 1950, MRN RX2001")).to_be_visible()
    expect(page.get_by_role("link", name="open their record")).to_be_visible()
    assert not Patient.objects.filter(mrn="CV7734").exists()
    journey.check("the patient form, a possible duplicate", shot="admin-patient-duplicate")

    page.get_by_label("This is a different person", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert Patient.objects.get(mrn="CV7734").history.get().history_change_reason == (
        "Checked: a different person from MRN RX2001"
    )
