"""A coordinator closes a case in the workspace, in a real Chromium (HAZ-029): asked why, shown the work
still open on the case, and the case closed only once they tick that they have seen it; the reason then
shows on the case page. Every page passes axe-core and fits a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.choices import CaseStatus
from mdt.models import Member
from tests.e2e.browser import Journey, sign_in
from tests.e2e.test_case_form_journey import PASSWORD, person
from tests.factories import CaseFactory, PatientFactory, ScanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.hazard("HAZ-029")]


def test_a_coordinator_closing_a_case_gives_the_reason_and_sees_the_open_mri_before_it_closes(
    live_server, page: Page, tmp_path
):
    person("ceri", Member.Role.MDT_COORDINATOR, "Ceri", "Jones")
    patient = PatientFactory(family_name="Griffiths", given_name="Alys", mrn="RX2001")
    case = CaseFactory(patient=patient, status=CaseStatus.IMAGING, referred_at=timezone.now() - dt.timedelta(days=2))
    ScanFactory(case=case, requested_at=timezone.now() - dt.timedelta(days=1), performed=True)
    base = live_server.url
    journey = Journey(page, tmp_path)

    sign_in(page, base, "ceri", PASSWORD)
    page.goto(f"{base}/admin/cases/case/{case.pk}/change/")
    page.get_by_label("Status:", exact=True).select_option(label="Closed")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(
        page.get_by_text("Give the reason for closing the case: a closed case leaves every worklist.")
    ).to_be_visible()

    page.get_by_label("Reason for closing:", exact=True).select_option(
        label="Care transferred to another team or hospital"
    )
    page.get_by_label("Closing note:", exact=True).fill("Care with the regional centre")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Closing takes the case off every list while this is still open on it:")).to_be_visible()
    expect(page.get_by_text("not yet reviewed by a specialist.")).to_be_visible()
    journey.check("the case form, closing with open work", shot="admin-case-closing")

    page.get_by_label("Close even with work still open", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(f"{base}/cases/{case.pk}/")
    expect(
        page.get_by_text("Care transferred to another team or hospital. Care with the regional centre")
    ).to_be_visible()
    journey.check("the closed case's page")
