"""The week after the meeting, in a real Chromium: the surgeon signs the decision from the dashboard
the moment it is saved, then finishes the follow-ups it asked for from the list, the case page and
the reminder; a coordinator cancels one with a reason. Every page passes axe-core and fits a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mdt.models import FollowUp, Member, SignOff
from reminders.sweep import derive
from tests.e2e.browser import Journey, sign_in
from tests.factories import CaseFactory, PatientFactory, decision_awaiting, team_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"


def person(username: str, role: str, first: str, last: str):
    user = team_user(username, role)
    user.first_name, user.last_name = first, last
    user.set_password(PASSWORD)
    user.save()
    return user


def test_sign_from_the_dashboard_then_finish_follow_ups_everywhere(live_server, page: Page, tmp_path):
    olwen = person("olwen", Member.Role.ONCOLOGIST, "Olwen", "Pryce")
    steffan = person("steffan", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")
    person("carys", Member.Role.MDT_COORDINATOR, "Carys", "Lloyd")
    alys = CaseFactory(patient=PatientFactory(family_name="Griffiths", given_name="Alys", mrn="RX1001"))
    sian = CaseFactory(patient=PatientFactory(family_name="Bowen", given_name="Sian", mrn="RX1002"))
    gareth = CaseFactory(patient=PatientFactory(family_name="Hughes", given_name="Gareth", mrn="RX1003"))
    decision = decision_awaiting([olwen, steffan], timezone.now() - dt.timedelta(minutes=10), case=alys)
    today = timezone.localdate()
    overdue = FollowUp.objects.create(
        case=alys, decision=decision, kind="repeat_mri", due_on=today - dt.timedelta(days=3), owner=steffan.member
    )
    clinic = FollowUp.objects.create(
        case=sian, kind="clinic_review", due_on=today + dt.timedelta(days=2), owner=steffan.member
    )
    reviewed = FollowUp.objects.create(
        case=gareth, kind="post_op_review", due_on=today - dt.timedelta(days=2), owner=steffan.member
    )
    derive(timezone.now())  # the reminders: overdue for two, due soon for one
    base = live_server.url
    journey = Journey(page, tmp_path)

    # The surgeon: "Awaiting your signature" at the top of the dashboard, signed from there.
    sign_in(page, base, "steffan", PASSWORD)
    signature = page.get_by_role("region", name="Awaiting your signature")
    expect(signature).to_contain_text("GRIFFITHS, Alys")
    expect(page.get_by_role("link", name="2 overdue")).to_be_visible()
    journey.check("dashboard", shot="dashboard")
    signature.get_by_role("button", name="I agree").click()
    expect(page.get_by_text("Signed: agrees. MRN RX1001.")).to_be_visible()
    expect(page.get_by_role("region", name="Awaiting your signature")).to_have_count(0)
    assert SignOff.objects.get(decision=decision, member=steffan.member).response == SignOff.Response.AGREE

    # From the reminder: complete the post-operative review without leaving the dashboard.
    reminders = page.get_by_role("region", name="My reminders")
    row = reminders.locator("li").filter(has_text="RX1003")
    expect(row.get_by_text("Hiding the reminder leaves the follow-up open")).to_be_visible()
    row.get_by_text("Complete…").click()
    row.get_by_label("Outcome of the post-operative review (MRN RX1003)").fill("Wound healed; walking with a stick.")
    journey.check("dashboard, completing from a reminder")
    row.get_by_role("button", name="Complete follow-up").click()
    expect(page.get_by_text("Post-operative review for MRN RX1003 completed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    # From the list: the overdue repeat MRI, most overdue first.
    page.get_by_role("link", name="1 overdue").click()
    expect(page.get_by_role("heading", name="Mine: overdue")).to_be_visible()
    item = page.locator("li.follow-up-row").filter(has_text="RX1001")
    expect(item).to_contain_text("Overdue")
    journey.check("follow-ups, overdue", shot="follow-ups")
    item.get_by_text("Complete…").click()
    item.get_by_label("Outcome of the repeat MRI after treatment (MRN RX1001)").fill("No progression at T7.")
    item.get_by_role("button", name="Complete follow-up").click()
    expect(page.get_by_text("Repeat MRI after treatment for MRN RX1001 completed.")).to_be_visible()
    expect(page.get_by_text("No follow-up here.")).to_be_visible()
    page.get_by_role("link", name="Done or cancelled").click()
    expect(page.locator("li.follow-up-row").filter(has_text="RX1001")).to_contain_text("No progression at T7.")
    journey.check("follow-ups, done")

    # A coordinator cancels the clinic review from the case page, with a reason.
    sign_in(page, base, "carys", PASSWORD)
    page.goto(f"{base}/cases/{sian.pk}/")
    open_item = page.locator(f"#follow-up-{clinic.pk}")
    open_item.get_by_text("Cancel…").click()
    open_item.get_by_label("Why is it no longer needed? (MRN RX1002)").fill("Moved to the hospice team.")
    journey.check("case page, cancelling a follow-up")
    open_item.get_by_role("button", name="Cancel follow-up").click()
    expect(page.get_by_text("Clinic review for MRN RX1002 cancelled.")).to_be_visible()
    expect(page.locator(f"#follow-up-{clinic.pk}")).to_have_count(0)

    for follow_up, field in ((overdue, "completed_at"), (reviewed, "completed_at"), (clinic, "cancelled_at")):
        follow_up.refresh_from_db()
        assert getattr(follow_up, field) is not None
