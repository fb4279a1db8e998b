"""The front door in a real Chromium, end to end: a referrer at a district hospital signs up, confirms
the email, refers a patient with cord compression at night, gets the acknowledgement; the MSCC
coordinator is alerted, triages and advises; the referrer reads the advice and its letter; the
coordinator accepts, which makes the case; the MDT decides; the referrer opens the outcome letter.
Every page passes axe-core and fits a 390 px phone."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import Case
from mdt.models import Decision, Member
from referrals.models import DutyShift, Referral
from reminders.sweep import sweep
from tests.e2e.browser import Journey
from tests.factories import team_user
from tests.referrals import makers
from tests.reminders import conftest as reminder_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
REFERRER_EMAIL = "rhian.pugh@nhs.net"
eager = reminder_fixtures.eager  # Celery tasks run in-process: the sweep sends its emails


def sign_in(page: Page, base: str, username: str, landing: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=landing)).to_be_visible()


def next_step(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()


def test_a_referral_from_sign_up_to_the_mdt_outcome_letter(live_server, page: Page, tmp_path, settings, eager):
    settings.SITE_URL = live_server.url
    org = makers.organisation("Riverside General Hospital")
    mscc = team_user("priya", Member.Role.MSCC_COORDINATOR)
    mscc.first_name, mscc.last_name = "Priya", "Shah"
    mscc.set_password(PASSWORD)
    mscc.save()
    team_user("dayshift", Member.Role.MSCC_COORDINATOR)  # not on duty tonight: not alerted
    now = timezone.now()
    DutyShift.objects.create(
        coordinator=mscc, starts_at=now - dt.timedelta(hours=2), ends_at=now + dt.timedelta(hours=10)
    )
    base = live_server.url
    journey = Journey(page, tmp_path)

    # 1. The referrer signs up with a work email and confirms it by the link.
    page.goto(f"{base}/refer/sign-up/")
    journey.check("sign up", "referral-sign-up")
    page.get_by_label("Work email").fill(REFERRER_EMAIL)
    page.get_by_label("Given name").fill("Rhian")
    page.get_by_label("Family name").fill("Pugh")
    page.get_by_label("Your hospital").select_option(label=str(org))
    page.get_by_label("Job title").fill("Acute oncology registrar")
    page.get_by_label("Phone").fill("01632 960 001")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    link = re.search(r"http\S+/refer/confirm/\S+/", mail.outbox[-1].body)[0]
    page.goto(link)
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Your email is confirmed. Sign in to make a referral.")).to_be_visible()

    # 2. Signed in, they see only their referrals; they refer.
    sign_in(page, base, REFERRER_EMAIL, "Referrals from Riverside General Hospital")
    expect(page.get_by_role("link", name="Patients")).to_have_count(0)
    page.get_by_role("button", name="Make a referral").click()
    expect(page.get_by_label("Referrer's phone")).to_have_value("01632 960 001")  # from the account
    page.get_by_label("Responsible consultant").fill("Dr Alun Price")
    journey.check("form step 1", "referral-form")
    next_step(page)
    page.get_by_label("NHS number").fill("943 476 5919")
    page.get_by_label("Hospital number at the referring hospital").fill("RG123456")
    page.get_by_label("Given name").fill("Megan")
    page.get_by_label("Family name").fill("Thomas")
    page.get_by_label("Date of birth").fill("1958-03-14")
    page.get_by_label("Sex").select_option(label="Female")
    next_step(page)
    page.get_by_label("Primary site").select_option(label="Breast")
    page.get_by_label("Primary cancer and histology").fill("Invasive ductal carcinoma")
    page.get_by_label("Known metastases").fill("Ribs, pelvis")
    page.get_by_label("Current or recent systemic therapy").fill("Letrozole")
    page.locator("#div_id_previous_spinal_rt").get_by_label("No", exact=True).check()
    next_step(page)
    page.get_by_label("Limb weakness").check()
    page.get_by_label("Pain in the thoracic or cervical spine").check()
    page.get_by_label("Neurology: power, sensation, bladder and bowel").fill("Power 4/5 both legs, sensory level T10.")
    page.locator("#div_id_ambulatory_status").get_by_label("Walks with an aid").check()
    page.get_by_label("ECOG performance status").select_option(label="2: self-caring, up more than 50% of waking hours")
    page.locator("#div_id_dexamethasone_given").get_by_label("Yes", exact=True).check()
    page.get_by_label("Dexamethasone daily dose (mg)").fill("16")
    journey.check("form step 4", "referral-form-neurology")
    next_step(page)
    page.locator("#div_id_mri_done").get_by_label("Yes", exact=True).check()
    page.get_by_label("MRI done at").fill("Riverside General Hospital")
    page.get_by_label("MRI done on").fill(timezone.localtime().strftime("%Y-%m-%dT00:30"))
    page.locator("#div_id_images_sent").get_by_label("Yes", exact=True).check()
    page.get_by_label("Accession number").fill("ACC-0042")
    page.get_by_label("The question for the service").fill("Cord compression at T10? Surgery or radiotherapy?")
    next_step(page)

    # 3. The completeness check names the gap; they submit anyway and get a reference.
    expect(page.get_by_text("No time of the first dexamethasone dose")).to_be_visible()
    journey.check("check and submit", "referral-check")
    page.get_by_label("Submit with these gaps").check()
    page.get_by_role("button", name="Submit the referral").click()
    referral = Referral.objects.get()
    expect(page.get_by_role("heading", name=f"Referral {referral.reference}")).to_be_visible()
    assert referral.gaps_at_submission == ["steroid_time"]

    # 4. The sweep acknowledges the referrer and alerts the MSCC coordinator on duty: reference only.
    mail.outbox.clear()
    sweep()
    sent = {message.to[0]: message for message in mail.outbox}
    assert set(sent) == {REFERRER_EMAIL, mscc.email}
    assert referral.reference in sent[REFERRER_EMAIL].subject and "Thomas" not in sent[REFERRER_EMAIL].body
    assert "New MSCC referral" in sent[mscc.email].subject and "(neurology)" in sent[mscc.email].subject

    # 5. Ninety minutes on, nobody has answered: the coordinator's dashboard shows the advice clock at risk.
    Referral.objects.filter(pk=referral.pk).update(submitted_at=referral.submitted_at - dt.timedelta(minutes=90))
    sign_in(page, base, "priya", "Dashboard")
    heading = page.get_by_role("heading", name="Referrals: advice or plan at risk or breached")
    late = page.locator("section", has=heading)
    expect(late.get_by_role("row", name=re.compile(referral.reference))).to_contain_text("At risk")
    journey.check("dashboard: a referral at risk", "referral-dashboard")

    # 6. The coordinator triages from the inbox and gives advice.
    page.get_by_role("link", name="Referrals", exact=True).click()
    expect(page.get_by_role("heading", name="Referrals: triage inbox")).to_be_visible()
    expect(page.locator("#on-duty")).to_contain_text("On duty for new referrals: Priya Shah until")
    journey.check("triage inbox", "referral-inbox")
    page.get_by_role("link", name=referral.reference).click()
    page.get_by_role("button", name="Start triage").click()
    journey.check("triage page", "referral-triage")
    page.get_by_role("link", name="Give advice").click()
    page.get_by_label("List for the MDT").check()
    page.get_by_label("Advice to the referrer").fill(
        "Keep flat and log roll. Continue dexamethasone. Transfer for review."
    )
    page.get_by_label("Flat bed rest and log roll until spinal stability is cleared").check()
    page.get_by_label("Steroid advice").fill("Dexamethasone 16 mg daily with a proton pump inhibitor.")
    journey.check("advice form", "referral-advice-form")
    page.get_by_role("button", name="Give the advice").click()
    expect(page.get_by_text("Advice recorded.")).to_be_visible()

    # 7. The referrer reads the advice and its letter.
    sweep()
    assert any("Advice on MSCC referral" in m.subject for m in mail.outbox)
    sign_in(page, base, REFERRER_EMAIL, "Referrals from Riverside General Hospital")
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_text("Keep flat and log roll.")).to_be_visible()
    journey.check("the referrer's referral", "referral-referrer-view")
    letter = page.request.get(base + page.get_by_role("link", name="Advice letter (PDF)").get_attribute("href"))
    assert letter.status == 200 and letter.body().startswith(b"%PDF-")
    page.get_by_label("Send further information or a question").fill("Images now on image exchange.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Message sent.")).to_be_visible()

    # 8. The coordinator accepts: the case is made from the referral, listed for the MDT.
    sign_in(page, base, "priya", "Dashboard")
    page.goto(f"{base}/referrals/{referral.pk}/")
    expect(page.get_by_text("Images now on image exchange.")).to_be_visible()
    page.get_by_label("Hospital number (MRN) here").fill("SPN0001")
    page.get_by_role("button", name="Accept and open the case").click()
    case = Case.objects.get()
    expect(page.get_by_text(f"Accepted: case {case.pk}")).to_be_visible()
    expect(page.get_by_text(referral.reference).first).to_be_visible()  # the case shows its referral
    assert case.status == "awaiting_mdt"

    # 9. The MDT decides (recorded and signed as the decision journey does), and the referrer opens the letter.
    decision = Decision.objects.create(
        case=case, urgent=True, treatments=["cebrt"], intent="palliative", rationale="Radiosensitive primary.",
        recorded_by=mscc, status="signed",
    )  # fmt: skip
    sign_in(page, base, REFERRER_EMAIL, "Referrals from Riverside General Hospital")
    page.get_by_role("link", name=referral.reference).click()
    link = page.get_by_role("link", name="outcome letter (PDF)")
    assert link.get_attribute("href") == f"/refer/{referral.pk}/outcome/{decision.pk}.pdf"
    outcome = page.request.get(base + link.get_attribute("href"))
    assert outcome.status == 200 and outcome.body().startswith(b"%PDF-")
    assert page.request.get(f"{base}/cases/{case.pk}/").status == 403  # never the case itself
    assert not journey.problems, journey.problems


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
    sign_in(page, base, "priya", "Dashboard")
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
