"""A meeting's decision in a real Chromium: an oncologist records the outcome of the first case and
moves on, both named clinicians sign, the oncologist amends the signed decision and gets the letter.
Each main page is checked at 1280 and 390 px (axe-core, no sideways scrolling); the decision form's
screenshot is the README's."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.choices import CaseStatus
from mdt.models import Decision, Meeting, Member
from tests.e2e.browser import Journey, looks_enabled, sign_in
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, PatientFactory, team_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"


def clinician(username: str, role: str, first: str, last: str):
    user = team_user(username, role)
    user.first_name, user.last_name = first, last
    user.set_password(PASSWORD)
    user.save()
    return user


def test_it_records_signs_and_amends_a_decision_and_downloads_the_letter(live_server, page: Page, tmp_path):
    clinician("olwen", Member.Role.ONCOLOGIST, "Olwen", "Pryce")
    clinician("steffan", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")
    starts = timezone.now() - dt.timedelta(minutes=5)
    meeting = MeetingFactory(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        agenda_closes_at=starts - dt.timedelta(days=2),
        status=Meeting.Status.IN_PROGRESS,
    )
    first = CaseFactory(
        patient=PatientFactory(family_name="Griffiths", given_name="Alys"), status=CaseStatus.AWAITING_MDT
    )
    second = CaseFactory(patient=PatientFactory(family_name="Bowen", given_name="Sian"), status=CaseStatus.AWAITING_MDT)
    AgendaItemFactory(meeting=meeting, case=first, position=1)
    AgendaItemFactory(meeting=meeting, case=second, position=2)
    due = timezone.localdate() + dt.timedelta(weeks=6)
    journey = Journey(page, tmp_path)
    base = live_server.url

    # The oncologist: Meetings → today's meeting → Record outcome on the first case.
    sign_in(page, base, "olwen", PASSWORD)
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name=timezone.localtime(meeting.starts_at).strftime("%a %-d %b %Y, %H:%M")).click()
    expect(page).to_have_url(f"{base}/meetings/{meeting.pk}/")
    journey.check("the meeting under way")
    page.locator("article.agenda-block").first.get_by_role("link", name="Record outcome").click()
    expect(page.get_by_text("Case 1 of 2")).to_be_visible()
    expect(page.get_by_role("heading", name="For reference: clocks, scores and the NOMS suggestion")).to_be_visible()
    looks_enabled(page.get_by_role("button", name="Not discussed: carry forward"))

    page.get_by_label("Conventional radiotherapy (cEBRT)").check()
    page.get_by_label("Steroids", exact=True).check()
    page.get_by_label("Palliative: local control and symptom relief").check()
    page.get_by_label("Rationale").fill("Radiosensitive primary, stable spine: radiotherapy alone.")
    page.get_by_label("Olwen Pryce (Oncologist)").check()
    page.get_by_label("Steffan Rees (Spinal surgeon)").check()
    page.locator("#id_fu-0-kind").select_option(label="Repeat MRI after treatment")
    page.locator("#id_fu-0-due_on").fill(due.isoformat())
    page.locator("#id_fu-0-owner").select_option(label="Olwen Pryce (Oncologist)")
    page.get_by_role("group", name="Trial considered?").get_by_label(
        "No"
    ).check()  # the trial question is answered with every decision
    page.get_by_label("Why not (no trial considered, or not entered)").fill("No open trial on the service's list")
    journey.check("the decision form, filled in", shot="decision-form")
    page.get_by_role("button", name="Save and next case").click()

    expect(page.get_by_text("Case 2 of 2")).to_be_visible()
    expect(page.get_by_text(f"Decision for {first.patient.mrn} saved: awaiting sign-off.")).to_be_visible()
    expect(page.get_by_text("GRIFFITHS, Alys")).to_have_count(0)
    journey.check("the next case's decision form")
    decision = Decision.objects.get(case=first)
    decision_url = f"{base}/decisions/{decision.pk}/"

    # Back to the first case's outcome, then its sign-off: "I agree".
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link").nth(1).click()
    page.locator("article.agenda-block").first.get_by_role("link", name="Outcome", exact=True).click()
    page.get_by_role("link", name="Sign-off").click()
    expect(page).to_have_url(decision_url)
    expect(page.get_by_text("Awaiting sign-off").first).to_be_visible()
    journey.check("the decision awaiting sign-off")
    page.get_by_role("button", name="I agree").click()
    expect(page.get_by_text("Signed: agrees.")).to_be_visible()
    expect(page.get_by_role("button", name="I agree")).to_have_count(0)

    # The surgeon signs too: the decision is locked.
    sign_in(page, base, "steffan", PASSWORD)
    page.goto(decision_url)
    page.get_by_role("button", name="I agree").click()
    expect(page.get_by_role("heading", name="Decision Signed off (locked)")).to_be_visible()

    # The oncologist amends it, with a reason; the original stays under "Earlier versions".
    sign_in(page, base, "olwen", PASSWORD)
    page.goto(decision_url)
    expect(page.get_by_text("Signed off (locked)")).to_be_visible()
    page.get_by_role("link", name="Amend").click()
    page.get_by_label("Why is the decision being amended?").fill("Oligometastatic on the staging CT.")
    page.get_by_label("Conventional radiotherapy (cEBRT)").uncheck()
    page.get_by_label("Stereotactic radiotherapy (SBRT/SRS)").check()
    page.get_by_label("Rationale").fill("Oligometastatic: SBRT for durable control.")
    journey.check("the amendment form")
    page.get_by_role("button", name="Save amendment").click()
    expect(page.get_by_text("Amendment saved: awaiting sign-off.")).to_be_visible()
    expect(page.get_by_role("heading", name="Earlier versions")).to_be_visible()
    earlier = page.locator("h3:has-text('Earlier versions') + div")
    expect(earlier).to_contain_text("Radiosensitive primary, stable spine: radiotherapy alone.")
    expect(earlier).to_contain_text("Conventional radiotherapy (cEBRT)")
    expect(page.get_by_text("because: Oligometastatic on the staging CT.")).to_be_visible()
    amendment = Decision.objects.get(amends=decision)
    expect(page).to_have_url(f"{base}/decisions/{amendment.pk}/")
    journey.check("the amended decision with its earlier version")

    # The outcome letter.
    href = page.get_by_role("link", name="Outcome letter (PDF)").get_attribute("href")
    assert href == f"/decisions/{amendment.pk}/letter.pdf"
    letter = page.request.get(f"{base}{href}")
    assert letter.status == 200
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF-")
    assert re.search(r'filename="mdt-outcome-\d+\.pdf"', letter.headers["content-disposition"])
    assert not journey.problems
