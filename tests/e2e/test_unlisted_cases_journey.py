"""A coordinator finds an open case that has been on no agenda for weeks on the meetings list and adds it to the
next meeting from there, in a real Chromium (HAZ-028). Every page passes axe-core and fits a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mdt.models import Member
from tests.e2e.browser import Journey, sign_in
from tests.e2e.test_case_form_journey import PASSWORD, person
from tests.factories import CaseFactory, MeetingFactory, PatientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.hazard("HAZ-028")]


def test_a_coordinator_adds_a_case_waiting_on_no_agenda_to_the_next_meeting(live_server, page: Page, tmp_path):
    person("ceri", Member.Role.MDT_COORDINATOR, "Ceri", "Jones")
    carys = person("carys", Member.Role.ONCOLOGIST, "Carys", "Evans")
    now = timezone.now()
    meeting = MeetingFactory(
        starts_at=now + dt.timedelta(days=7), ends_at=now + dt.timedelta(days=7, hours=2),
        agenda_closes_at=now + dt.timedelta(days=5),
    )  # fmt: skip
    patient = PatientFactory(family_name="Pritchard", given_name="Nia", mrn="RX4001")
    CaseFactory(patient=patient, referred_at=now - dt.timedelta(days=30), responsible_clinician=carys)
    base = live_server.url
    journey = Journey(page, tmp_path)

    sign_in(page, base, "ceri", PASSWORD)
    page.goto(f"{base}/meetings/")
    expect(
        page.get_by_role("heading", name="Cases waiting for a decision, on no agenda for more than 14 days")
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text="RX4001")
    expect(row).to_contain_text("PRITCHARD, Nia")
    expect(row).to_contain_text("Carys Evans")
    expect(row).to_contain_text("Never")
    journey.check("the meetings list with a case on no agenda", shot="meetings-unlisted")

    row.get_by_role("button", name="MRN RX4001").click()
    expect(page.get_by_text("1 case added to the agenda. MRN RX4001.")).to_be_visible()
    assert page.url.rstrip("/").endswith(f"/meetings/{meeting.pk}")
    journey.check("the meeting with the case added")

    page.goto(f"{base}/meetings/")
    expect(
        page.get_by_text("No case waiting for a decision has been on no agenda for more than 14 days.")
    ).to_be_visible()
