"""The service audit in a real Chromium: "what share of our suspected-MSCC patients got their MRI within
24 hours last quarter, and who missed it?", answered from the dashboard in a few clicks. The audit and the
breach list are checked at 1280 and 390 px (axe-core, no sideways scrolling); the audit's screenshot is
the README's."""

import datetime as dt
import time

import pytest
from playwright.sync_api import Page, expect

from reports.periods import QuickRange, quick_range
from tests.e2e.browser import Journey
from tests.factories import PatientFactory, coordinator_user, mscc_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"


def test_a_coordinator_finds_last_quarters_mri_share_and_who_missed_it(live_server, page: Page, tmp_path):
    carys = coordinator_user("carys")  # the coordinator role's groups, as production assigns them
    carys.set_password(PASSWORD)
    carys.save()
    quarter = quick_range(QuickRange.LAST_QUARTER)
    start = dt.datetime.combine(quarter.first + dt.timedelta(days=10), dt.time(9), tzinfo=dt.UTC)
    for hours in (2, 5, 20):
        mscc_case(start, mri_at=start + dt.timedelta(hours=hours))
    mscc_case(start, mri_at=start + dt.timedelta(hours=31), patient=PatientFactory(family_name="Missedit"))
    mscc_case(start - dt.timedelta(days=200), patient=PatientFactory(family_name="Longago"))  # another quarter
    journey = Journey(page, tmp_path)
    began = time.monotonic()

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("carys")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("link", name="Last quarter").click()

    expect(page.get_by_text(str(quarter), exact=False).first).to_be_visible()
    expect(page.locator("#mri_24h-percent")).to_have_text("75.0%")
    card = page.locator("#measure-mri_24h")
    expect(card).to_contain_text("3 of 4 met the target of 24 hours")
    checking = time.monotonic()
    journey.check("the service audit, last quarter", shot="reports")
    began += time.monotonic() - checking  # the checks' own time is not the user's
    card.get_by_role("link", name="1 breach — see who").click()

    expect(page.get_by_role("heading", name="Breaches: Whole-spine MRI within 24 hours")).to_be_visible()
    rows = page.locator("table.breaches-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("MISSEDIT")
    expect(rows.first).to_contain_text("7 h 0 min")  # 31 hours after the start: 7 hours late
    assert time.monotonic() - began < 30
    journey.check("the breach list")
    assert not journey.problems
