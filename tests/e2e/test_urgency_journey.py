"""Urgency first, in a real Chromium: the radiologist's worklist puts suspected MSCC with neurology
first, then the worst ESCC grade, then the longest wait; a review marked by mistake is taken back
from the case page. Each page passes axe-core and fits a 390 px phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.choices import Presentation
from cases.models import Scan
from mdt.models import Member
from tests.e2e.browser import Journey, sign_in
from tests.factories import CaseFactory, PatientFactory, ScanFactory, team_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
NO_NEURO = {"presentation": Presentation.SUSPECTED_METASTASES, "red_flags": ["nocturnal_pain"]}


def waiting(name: tuple[str, str], mrn: str, hours: int, grade: int | None = None, **case) -> Scan:
    now = timezone.now()
    patient = PatientFactory(family_name=name[0], given_name=name[1], mrn=mrn)
    return ScanFactory(
        case=CaseFactory(patient=patient, **case),
        requested_at=now - dt.timedelta(hours=hours + 2),
        performed_at=now - dt.timedelta(hours=hours),
        escc_grade=grade,
    )


def test_the_most_urgent_scan_is_first_and_a_mistaken_review_can_be_taken_back(live_server, page: Page, tmp_path):
    rad = team_user("rhian", Member.Role.RADIOLOGIST)
    rad.first_name, rad.last_name = "Rhian", "Morgan"
    rad.set_password(PASSWORD)
    rad.save()
    waiting(("Evans", "Mair"), "RX2001", 70, grade=1, **NO_NEURO)
    waiting(("Jones", "Dafydd"), "RX2002", 3, grade=5, **NO_NEURO)
    mscc = waiting(("Price", "Ffion"), "RX2003", 1)
    base = live_server.url
    journey = Journey(page, tmp_path)

    sign_in(page, base, "rhian", PASSWORD)
    rows = page.get_by_role("region", name="MRI scans waiting for review").locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("RX2003")
    expect(rows.nth(0)).to_contain_text("Suspected MSCC with neurology")
    expect(rows.nth(1)).to_contain_text("RX2002")
    expect(rows.nth(1)).to_contain_text("cord compressed")
    expect(rows.nth(2)).to_contain_text("RX2001")
    journey.check("dashboard: MRI worklist")

    page.get_by_role("link", name="See every scan waiting").click()
    expect(page.locator("tbody tr").first).to_contain_text("RX2003")
    journey.check("MRI review list", shot="mri-review")

    # Marked by mistake from the list, taken back from the case page.
    page.get_by_role("button", name="Mark reviewed: MRN RX2003").click()
    expect(page.get_by_text("Whole-spine MRI marked reviewed. MRN RX2003.")).to_be_visible()
    page.get_by_role("button", name="Undo my review").click()
    expect(page.get_by_text("Review taken back: the Whole-spine MRI for MRN RX2003 waits again.")).to_be_visible()
    journey.check("case page after taking the review back")
    mscc.refresh_from_db()
    assert mscc.reviewed_at is None
    page.goto(f"{base}/")
    expect(rows.nth(0)).to_contain_text("RX2003")
