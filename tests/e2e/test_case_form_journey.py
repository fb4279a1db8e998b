"""A coordinator works a case in the workspace, in a real Chromium: the form in the pathway's sections
(the later ones collapsed), the responsible clinician picked by name and role, the MRI report typed on the
case form, and the status moving on by itself. Every page passes axe-core and fits a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.choices import CaseStatus
from mdt.models import Member
from tests.e2e.browser import Journey, sign_in
from tests.factories import CaseFactory, PatientFactory, ScanFactory, read_only_user, team_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"


def person(username: str, role: str, first: str, last: str):
    user = team_user(username, role)
    user.first_name, user.last_name = first, last
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_coordinator_assigns_a_clinician_and_types_the_mri_report_and_the_status_follows(
    live_server, page: Page, tmp_path
):
    person("ceri", Member.Role.MDT_COORDINATOR, "Ceri", "Jones")
    carys = person("carys", Member.Role.ONCOLOGIST, "Carys", "Evans")
    person("steffan", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")
    read_only_user("auditor")
    patient = PatientFactory(family_name="Griffiths", given_name="Alys", mrn="RX2001")
    case = CaseFactory(patient=patient, status=CaseStatus.IMAGING, referred_at=timezone.now() - dt.timedelta(days=2))
    scan = ScanFactory(case=case, requested_at=timezone.now() - dt.timedelta(days=1), performed=True)
    base = live_server.url
    journey = Journey(page, tmp_path)

    sign_in(page, base, "ceri", PASSWORD)
    page.goto(f"{base}/admin/cases/case/{case.pk}/change/")
    headings = page.locator("#content-main h2")
    for name in ("Referral and presentation", "Red flags, neurology and performance status", "Imaging",
                 "Steroids (dexamethasone)", "MDT and decision", "Treatment", "Outcome after treatment"):  # fmt: skip
        expect(headings.filter(has_text=name).first).to_be_attached()
    # Treatment and outcome are not reached yet: collapsed, one click away.
    treatment = page.locator("details").filter(has=page.get_by_role("heading", name="Treatment", exact=True))
    expect(treatment).not_to_have_attribute("open", "")
    expect(page.locator("#id_treatment_start_at_0")).to_be_hidden()
    journey.check("the case form, sectioned", shot="admin-case-form")
    treatment.locator("summary").click()
    expect(page.locator("#id_treatment_start_at_0")).to_be_visible()

    picker = page.get_by_label("Responsible clinician")
    options = picker.locator("option").all_inner_texts()
    assert options == ["Nobody yet", "Carys Evans (Oncologist)", "Steffan Rees (Spinal surgeon)"]
    picker.select_option(label="Carys Evans (Oncologist)")

    reported = timezone.localtime(scan.performed_at + dt.timedelta(hours=2))
    page.locator('[name="scans-0-report"]').fill("Whole-spine MRI: metastasis at T7 with ESCC grade 2.")
    page.locator('[name="scans-0-reported_at_0"]').fill(reported.strftime("%d/%m/%Y"))
    page.locator('[name="scans-0-reported_at_1"]').fill(reported.strftime("%H:%M:%S"))
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator("#id_status")).to_have_value(CaseStatus.AWAITING_MDT)
    expect(page.locator("#id_responsible_clinician")).to_have_value(str(carys.pk))
    expect(page.locator('[name="scans-0-report"]')).to_have_value(
        "Whole-spine MRI: metastasis at T7 with ESCC grade 2."
    )
    journey.check("the case form after the report")

    # A report time before the scan was performed is refused on the field, in the open.
    page.locator('[name="scans-0-reported_at_1"]').fill("00:00:01")
    page.locator('[name="scans-0-reported_at_0"]').fill(timezone.localtime(scan.requested_at).strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.get_by_text("A scan cannot be reported before it was performed.")).to_be_visible()
    journey.check("the case form with an error")

    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_MDT and case.responsible_clinician == carys
    assert case.history.filter(history_change_reason__contains="MRI reported").exists()
