"""A referral taken by phone in a real Chromium: the MSCC coordinator takes the call from a registrar with no
account; the acknowledgement goes only to a work email address, with the reference and the way to an account,
never anything about the patient. Every page passes axe-core and fits a 390 px phone."""

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from mdt.models import Member
from referrals.models import Referral
from reminders.sweep import sweep
from tests.e2e.browser import Journey, sign_in
from tests.factories import team_user
from tests.referrals import makers
from tests.reminders import conftest as reminder_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
eager = reminder_fixtures.eager  # Celery tasks run in-process: the sweep sends its emails


def next_step(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def test_a_referral_taken_by_phone_acknowledges_the_callers_work_email(
    live_server, page: Page, tmp_path, settings, eager
):
    settings.SITE_URL = live_server.url
    org = makers.organisation("Coastal District Hospital")
    mscc = team_user("priya", Member.Role.MSCC_COORDINATOR)
    mscc.set_password(PASSWORD)
    mscc.save()
    base = live_server.url
    journey = Journey(page, tmp_path)

    # The coordinator takes the call: a registrar with no account gives a personal address first.
    sign_in(page, base, "priya", PASSWORD)
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_role("link", name="Take a referral by phone").click()
    page.get_by_label("Referring organisation").select_option(label=str(org))
    page.get_by_role("button", name="Start the referral").click()
    page.get_by_label("Referrer's name").fill("Dr Owen Jones")
    page.get_by_label("Referrer's phone").fill("01632 960 303")
    page.get_by_label("Referrer's email").fill("owen@example.com")
    next_step(page)
    expect(page.get_by_text("The acknowledgement is emailed to a work address only (ending @nhs.net)")).to_be_visible()
    journey.check("phone referral: the email refused", "referral-phone-email")
    page.get_by_label("Referrer's email").fill("owen.jones@nhs.net")
    next_step(page)
    page.get_by_label("Given name").fill("Alys")
    page.get_by_label("Family name").fill("Griffith")
    page.get_by_label("Date of birth").fill("1966-11-11")
    for _ in range(4):
        next_step(page)
    page.get_by_label("Submit with these gaps").check()
    page.get_by_role("button", name="Submit the referral").click()
    referral = Referral.objects.get()
    expect(page.get_by_role("heading", name=f"Referral {referral.reference}")).to_be_visible()
    page.goto(f"{base}/referrals/{referral.pk}/")
    expect(page.locator("#phone-acknowledgement")).to_contain_text("is emailed to owen.jones@nhs.net")

    # The sweep emails the caller the reference and the way to an account; nothing about the patient.
    mail.outbox.clear()
    sweep()
    [ack] = [m for m in mail.outbox if m.to == ["owen.jones@nhs.net"]]
    assert referral.reference in ack.subject and f"{base}/refer/sign-up/" in ack.body
    assert "Griffith" not in ack.body and "1966" not in ack.body
    assert not journey.problems, journey.problems
