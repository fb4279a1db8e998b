"""The strict Content Security Policy breaks nothing: the admin and the clinician pages in a real Chromium.

Chromium reports every blocked script, style or image as a console error ("Refused to ...
because it violates the following Content Security Policy directive"), and fires a
`securitypolicyviolation` event, which the page records. The test walks the pages a
coordinator uses most, works the calendar, clock and autocomplete widgets, and fails on
any violation. Screenshots go to the test's temporary directory.
"""

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from accounts.models import AccessRecord
from tests.factories import PASSWORD, CaseFactory, PatientFactory, ScanFactory, coordinator_user, read_only_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


class Watch:
    """Console errors, failed responses and CSP violations seen by the page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("response", lambda r: self.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning") or "Content Security Policy" in message.text:
            self.problems.append(f"console {message.type}: {message.text}")

    def check(self, where: str) -> None:
        violations = self.page.evaluate("window.__csp || []")
        assert not violations and not self.problems, f"{where}: {violations} {self.problems}"


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()


def test_the_admin_works_under_the_policy_for_a_coordinator(live_server, page: Page, tmp_path):
    user = coordinator_user()
    patient = PatientFactory(family_name="Griffiths", given_name="Alys")
    case = CaseFactory(patient=patient)
    ScanFactory(case=case, performed=True)
    base = live_server.url
    watch = Watch(page)
    sign_in(page, base, user.username)
    watch.check("dashboard")

    page.goto(f"{base}/admin/cases/patient/")
    expect(page.locator("#result_list")).to_be_visible()
    page.screenshot(path=tmp_path / "admin-changelist.png", full_page=True)
    watch.check("patient changelist")

    page.goto(f"{base}/admin/cases/case/{case.pk}/change/")
    # The calendar and clock widgets next to "referred at".
    page.locator("#calendarlink0").click()
    expect(page.locator("#calendarbox0")).to_be_visible()
    page.screenshot(path=tmp_path / "admin-calendar.png", full_page=True)
    page.locator("#calendarbox0 .calendar-shortcuts a").nth(1).click()  # "Today"
    page.locator("#clocklink0").click()
    expect(page.locator("#clockbox0")).to_be_visible()
    page.screenshot(path=tmp_path / "admin-clock.png", full_page=True)
    page.locator("#clockbox0 .timelist a").first.click()  # "Now"
    # The autocomplete for the patient: select2 fetches results from the admin's JSON view.
    page.locator(".field-patient .select2-selection").click()
    page.locator(".select2-search__field").fill("Grif")
    expect(page.locator(".select2-results__option").filter(has_text="GRIFFITHS")).to_be_visible()
    page.screenshot(path=tmp_path / "admin-autocomplete.png", full_page=True)
    page.keyboard.press("Escape")
    watch.check("case change form")

    for url in (
        "/admin/cases/case/?status=imaging",
        f"/admin/cases/patient/{patient.pk}/history/",
        "/admin/cases/scan/add/",
        "/admin/mdt/meeting/add/",
    ):
        page.goto(base + url)
        watch.check(url)


def test_the_clinician_pages_and_the_access_records_work_under_the_policy(live_server, page: Page, tmp_path):
    user = read_only_user()
    case = CaseFactory()
    base = live_server.url
    watch = Watch(page)
    sign_in(page, base, user.username)

    for url in ("/", "/patients/", "/meetings/", f"/patients/{case.patient_id}/", f"/cases/{case.pk}/"):
        page.goto(base + url)
        watch.check(url)
    page.screenshot(path=tmp_path / "case-page.png", full_page=True)

    page.goto(f"{base}/admin/accounts/accessrecord/")
    expect(page.locator("#result_list tbody tr")).to_have_count(AccessRecord.objects.count())
    page.screenshot(path=tmp_path / "access-records.png", full_page=True)
    watch.check("access records")
