"""A workspace action on rows changed since the list was shown, in a real Chromium (HAZ-174): a radiologist ticks
two scans on the workspace's scan list; meanwhile an oncologist reviews one of them; the action marks the
other reviewed and names the changed one, not reviewed. Each page passes axe-core and fits a 390 px phone."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Page, expect

from cases.models import Scan
from cases.services import scan_mark_reviewed
from mdt.models import Member
from tests.e2e.browser import Journey, sign_in
from tests.factories import PASSWORD, CaseFactory, PatientFactory, ScanFactory, UserFactory, team_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def waiting_scan(family: str, given: str, mrn: str) -> Scan:
    return ScanFactory(
        case=CaseFactory(patient=PatientFactory(family_name=family, given_name=given, mrn=mrn)), performed=True
    )


@pytest.mark.hazard("HAZ-174")
def test_a_scan_reviewed_by_someone_else_while_ticked_is_named_and_not_reviewed_the_other_is(
    live_server, page: Page, tmp_path
):
    radiologist = UserFactory(username="rhian", first_name="Rhian", last_name="Morgan", is_staff=True)
    Member.objects.create(user=radiologist, role=Member.Role.RADIOLOGIST)
    radiologist.user_permissions.add(*Permission.objects.filter(codename__in=["review_scan", "view_scan"]))
    oncologist = team_user("dai", Member.Role.ONCOLOGIST)
    oncologist.first_name, oncologist.last_name = "Dai", "Jones"
    oncologist.save()
    griffiths, bowen = waiting_scan("Griffiths", "Alys", "RX3001"), waiting_scan("Bowen", "Sian", "RX3002")
    journey = Journey(page, tmp_path)

    sign_in(page, live_server.url, "rhian", PASSWORD)
    page.goto(f"{live_server.url}/admin/cases/scan/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    journey.check("the workspace's scan list, each row's version hidden beside its tick")
    for mrn in ("RX3001", "RX3002"):
        rows.filter(has_text=mrn).locator("input.action-select").check()
    page.locator("select[name=action]").first.select_option("mark_reviewed")

    scan_mark_reviewed(scan_id=griffiths.pk, user=oncologist)  # meanwhile, on the oncologist's worklist
    page.get_by_role("button", name="Run").first.click()

    expect(page.get_by_text("1 scan(s) marked reviewed.")).to_be_visible()
    refused = page.locator(".messagelist .error")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text(f"Scan {griffiths.pk} (RX3001, Whole-spine MRI requested")
    expect(refused).to_contain_text("changed since you opened the list (Dai Jones at")
    expect(refused).to_contain_text("was not done to it. Reload the list and try again.")
    journey.check("the scan list after the action: one done, one refused")
    assert Scan.objects.get(pk=griffiths.pk).reviewed_at is None
    assert Scan.objects.get(pk=bowen.pk).reviewed_by == radiologist
