"""The front door in a real Chromium, end to end and at night: a referrer at a district hospital signs up,
confirms the email and refers a patient with cord compression at 00:40; the acknowledgement says so, and the
MSCC coordinator on the night shift (not the day shift's) is alerted; the clocks run from 00:40; the
coordinator triages and advises; the referrer reads the advice and its letter; the coordinator accepts, which
makes the case, and lists it on that day's MDT; at the meeting an oncologist records the decision and both
named clinicians sign it; the referrer opens the outcome letter. Every page passes axe-core and fits a 390 px
phone.

The server's clock is moved (time_machine, ticking: the live server runs in this process) to a night in
British Summer Time, when 00:40 in London is 23:40 UTC the day before, so a time or a day taken in UTC shows;
and in the future, so the cookies the server sets stay in the browser's future."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.clocks import target
from cases.models import Case
from core.timezones import local_datetime
from core.workdays import is_working_day
from mdt.models import Decision, Meeting, Member
from referrals.clocks import ADVICE
from referrals.models import DutyShift, Referral
from reminders.sweep import sweep
from tests.e2e.browser import Journey
from tests.factories import MeetingFactory, team_user
from tests.referrals import makers
from tests.reminders import conftest as reminder_fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
REFERRER_EMAIL = "rhian.pugh@nhs.net"
REFERRER_HOME = "Referrals from Riverside General Hospital"
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


def a_summer_night() -> dt.datetime:
    """00:40 on the first Wednesday at least two days ahead in British Summer Time, Wednesday to Friday
    working days (the plan's two working days end on the Friday)."""
    day = timezone.localdate() + dt.timedelta(days=2)
    while not (
        day.weekday() == 2
        and local_datetime(day, dt.time(0, 40)).utcoffset() == dt.timedelta(hours=1)
        and all(is_working_day(day + dt.timedelta(days=n)) for n in range(3))
    ):
        day += dt.timedelta(days=1)
    return local_datetime(day, dt.time(0, 40))


def at(moment: dt.datetime, pattern: str) -> str:
    """A moment as the pages write it, on the service's wall clock (`pattern`: strftime's)."""
    return timezone.localtime(moment).strftime(pattern)


def person(username: str, role: str, first: str, last: str) -> Any:
    user = team_user(username, role)
    user.first_name, user.last_name = first, last
    user.set_password(PASSWORD)
    user.save()
    return user


@dataclass
class Service:
    base: str
    page: Page
    journey: Journey
    clock: Any  # the time_machine traveller: the server's clock
    night: dt.datetime
    hospital: str  # as the sign-up form names it
    night_shift: Any
    day_shift: Any
    meeting: Meeting


def the_service(live_server: Any, page: Page, tmp_path: Any, clock: Any, night: dt.datetime) -> Service:
    """The night's rota (Priya Shah from 20:00 to 08:00, the day shift either side) and that day's MDT at 13:00."""
    org = makers.organisation("Riverside General Hospital")
    priya = person("priya", Member.Role.MSCC_COORDINATOR, "Priya", "Shah")
    dayshift = person("dayshift", Member.Role.MSCC_COORDINATOR, "Dafydd", "Hughes")
    person("olwen", Member.Role.ONCOLOGIST, "Olwen", "Pryce")
    person("steffan", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")
    day = night.date()
    evening, morning = local_datetime(day - dt.timedelta(days=1), dt.time(20)), local_datetime(day, dt.time(8))
    DutyShift.objects.create(coordinator=priya, starts_at=evening, ends_at=morning)
    DutyShift.objects.create(coordinator=dayshift, starts_at=evening - dt.timedelta(hours=12), ends_at=evening)
    DutyShift.objects.create(coordinator=dayshift, starts_at=morning, ends_at=morning + dt.timedelta(hours=12))
    starts = local_datetime(day, dt.time(13))
    meeting = MeetingFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=2), agenda_closes_at=morning)
    return Service(live_server.url, page, Journey(page, tmp_path), clock, night, str(org), priya, dayshift, meeting)


def sign_up(s: Service) -> None:
    """The referrer signs up with a work email and confirms it by the link."""
    page = s.page
    page.goto(f"{s.base}/refer/sign-up/")
    s.journey.check("sign up", "referral-sign-up")
    page.get_by_label("Work email").fill(REFERRER_EMAIL)
    page.get_by_label("Given name").fill("Rhian")
    page.get_by_label("Family name").fill("Pugh")
    page.get_by_label("Your hospital").select_option(label=s.hospital)
    page.get_by_label("Job title").fill("Acute oncology registrar")
    page.get_by_label("Phone").fill("01632 960 001")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    link = re.search(r"http\S+/refer/confirm/\S+/", mail.outbox[-1].body)[0]
    page.goto(link)
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.get_by_text("Your email is confirmed. Sign in to make a referral.")).to_be_visible()


def fill_the_form(s: Service) -> None:
    """Signed in, they see only their referrals; they fill in the five steps (the MRI was the evening before)."""
    page = s.page
    sign_in(page, s.base, REFERRER_EMAIL, REFERRER_HOME)
    expect(page.get_by_role("link", name="Patients")).to_have_count(0)
    page.get_by_role("button", name="Make a referral").click()
    expect(page.get_by_label("Referrer's phone")).to_have_value("01632 960 001")  # from the account
    page.get_by_label("Responsible consultant").fill("Dr Alun Price")
    s.journey.check("form step 1", "referral-form-referrer")
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
    s.journey.check("form step 4", "referral-form")  # the README's, on a phone
    next_step(page)
    page.locator("#div_id_mri_done").get_by_label("Yes", exact=True).check()
    page.get_by_label("MRI done at").fill("Riverside General Hospital")
    page.get_by_label("MRI done on").fill(f"{s.night.date() - dt.timedelta(days=1)}T23:50")
    page.locator("#div_id_images_sent").get_by_label("Yes", exact=True).check()
    page.get_by_label("Accession number").fill("ACC-0042")
    page.get_by_label("The question for the service").fill("Cord compression at T10? Surgery or radiotherapy?")
    next_step(page)


def submit_at_night(s: Service) -> Referral:
    """The completeness check names the gap; at 00:40 they submit anyway and get a reference."""
    page = s.page
    expect(page.get_by_text("No time of the first dexamethasone dose")).to_be_visible()
    s.journey.check("check and submit", "referral-check")
    page.get_by_label("Submit with these gaps").check()
    s.clock.move_to(s.night)
    page.get_by_role("button", name="Submit the referral").click()
    referral = Referral.objects.get()
    expect(page.get_by_role("heading", name=f"Referral {referral.reference}")).to_be_visible()
    expect(page.get_by_text(f"submitted {at(s.night, '%A %-d %B %Y, %H:%M')} by Rhian Pugh")).to_be_visible()
    assert referral.gaps_at_submission == ["steroid_time"]
    return referral


def acknowledged_and_alerted(s: Service, referral: Referral) -> None:
    """The sweep acknowledges the referrer and alerts the coordinator on the night shift, not the day shift's,
    each with the night's time on the wall clock; the reference only, never the patient."""
    mail.outbox.clear()
    sweep()
    sent = {message.to[0]: message for message in mail.outbox if referral.reference in message.subject}
    assert set(sent) == {REFERRER_EMAIL, s.night_shift.email} and s.day_shift.email not in sent
    ack, alert = sent[REFERRER_EMAIL], sent[s.night_shift.email]
    assert referral.reference in ack.subject and "Thomas" not in ack.body
    assert f"reached the regional MSCC service at {at(s.night, '%H:%M, %A %-d %B %Y')}" in ack.body
    assert "New MSCC referral" in alert.subject and "(neurology)" in alert.subject
    assert f"from Riverside General Hospital at {at(s.night, '%H:%M, %A %-d %B')}" in alert.body


def at_risk_on_the_dashboard(s: Service, referral: Referral) -> None:
    """Ninety minutes on, nobody has answered: the advice clock, due the configured hours after 00:40, is at
    risk on the coordinator's dashboard, in the inbox (which says who is on duty until the morning) and on the
    referral's page, beside the plan clock due two working days after 00:40."""
    page = s.page
    s.clock.move_to(referral.submitted_at + dt.timedelta(minutes=90))
    advice_due = referral.submitted_at + dt.timedelta(hours=target(ADVICE).value)
    sign_in(page, s.base, "priya", "Dashboard")
    heading = page.get_by_role("heading", name="Referrals: advice or plan at risk or breached")
    row = page.locator("section", has=heading).get_by_role("row", name=re.compile(referral.reference))
    expect(row.locator("td[data-label=State]")).to_have_text("At risk")
    expect(row.locator("td[data-label=Due]")).to_have_text(at(advice_due, "%a %-d %b, %H:%M"))
    expect(row.locator("td[data-label=Time]")).to_have_text("29 min left")  # 30 less the sign-in's seconds
    s.journey.check("dashboard: a referral at risk", "referral-dashboard")
    page.get_by_role("link", name="Referrals", exact=True).click()
    expect(page.get_by_role("heading", name="Referrals: triage inbox")).to_be_visible()
    morning = local_datetime(s.night.date(), dt.time(8))
    expect(page.locator("#on-duty")).to_contain_text(
        f"On duty for new referrals: Priya Shah until {at(morning, '%a %-d %b, %H:%M')}."
    )
    cells = page.get_by_role("row", name=re.compile(referral.reference)).get_by_role("cell")
    expect(cells.nth(3)).to_have_text(at(s.night, "%-d %b, %H:%M"))  # submitted
    expect(cells.nth(5)).to_have_text("At risk 1 h 30 min")  # the advice clock, from 00:40
    s.journey.check("triage inbox", "referral-inbox")
    page.get_by_role("link", name=referral.reference).click()
    clocks = page.locator(".card.clock-at_risk, .card.clock-running")
    expect(clocks.first).to_contain_text(f"due {at(advice_due, '%a %-d %b, %H:%M')}")
    plan_due = s.night + dt.timedelta(days=2)  # two working days: Wednesday 00:40 to Friday 00:40
    expect(clocks.nth(1)).to_contain_text(f"due {at(plan_due, '%a %-d %b, %H:%M')}")


def triage_and_advise(s: Service) -> None:
    """The coordinator triages and gives advice within the advice clock."""
    page = s.page
    page.get_by_role("button", name="Start triage").click()
    s.journey.check("triage page", "referral-triage")
    page.get_by_role("link", name="Give advice").click()
    page.get_by_label("List for the MDT").check()
    page.get_by_label("Advice to the referrer").fill(
        "Keep flat and log roll. Continue dexamethasone. Transfer for review."
    )
    page.get_by_label("Flat bed rest and log roll until spinal stability is cleared").check()
    page.get_by_label("Steroid advice").fill("Dexamethasone 16 mg daily with a proton pump inhibitor.")
    s.journey.check("advice form", "referral-advice-form")
    page.get_by_role("button", name="Give the advice").click()
    expect(page.get_by_text("Advice recorded.")).to_be_visible()
    expect(page.locator(".card.clock-met").first).to_contain_text("Met")


def referrer_reads_the_advice(s: Service, referral: Referral) -> None:
    """The referrer is emailed, reads the advice and its letter, and sends a message."""
    page = s.page
    sweep()
    assert any("Advice on MSCC referral" in m.subject for m in mail.outbox)
    sign_in(page, s.base, REFERRER_EMAIL, REFERRER_HOME)
    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_text("Keep flat and log roll.")).to_be_visible()
    letter = page.request.get(s.base + page.get_by_role("link", name="Advice letter (PDF)").get_attribute("href"))
    assert letter.status == 200 and letter.body().startswith(b"%PDF-")
    page.get_by_label("Send further information or a question").fill("Images now on image exchange.")
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_text("Message sent.")).to_be_visible()


def accept(s: Service, referral: Referral) -> Case:
    """The coordinator accepts: the case is made from the referral, awaiting the MDT."""
    page = s.page
    sign_in(page, s.base, "priya", "Dashboard")
    page.goto(f"{s.base}/referrals/{referral.pk}/")
    expect(page.get_by_text("Images now on image exchange.")).to_be_visible()
    page.get_by_label("Hospital number (MRN) here").fill("SPN0001")
    page.get_by_role("button", name="Accept and open the case").click()
    case = Case.objects.get()
    expect(page.get_by_text(f"Accepted: case {case.pk}")).to_be_visible()
    expect(page.get_by_text(referral.reference).first).to_be_visible()  # the case shows its referral
    assert case.status == "awaiting_mdt"
    return case


def list_on_the_agenda(s: Service) -> None:
    """Still at night, the coordinator lists the case, a candidate as awaiting the MDT, on the day's meeting."""
    page = s.page
    page.get_by_role("link", name="Meetings", exact=True).click()
    expect(page.get_by_role("heading", name="Meetings", exact=True)).to_be_visible()
    s.journey.check("the meetings, the day's first")
    page.get_by_role("link", name=at(s.meeting.starts_at, "%a %-d %b %Y, %H:%M")).click()
    candidate = page.locator("table.candidates tbody tr")
    expect(candidate).to_have_count(1)
    expect(candidate).to_contain_text("Awaiting MDT")
    s.journey.check("the day's meeting with the referral's case a candidate")
    page.get_by_label("THOMAS, Megan").check()
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.get_by_text("1 case added to the agenda. MRN SPN0001.")).to_be_visible()
    expect(page.locator("article.agenda-block")).to_contain_text("THOMAS, Megan")


def decide_at_the_mdt(s: Service, case: Case) -> Decision:
    """At 13:00 the meeting starts: the oncologist records the decision, naming herself and the spinal surgeon,
    and signs it; the surgeon signs it from his dashboard."""
    page = s.page
    s.clock.move_to(s.meeting.starts_at)
    sign_in(page, s.base, "olwen", "Dashboard")
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name=at(s.meeting.starts_at, "%a %-d %b %Y, %H:%M")).click()
    page.locator("article.agenda-block").first.get_by_role("link", name="Record outcome").click()
    expect(page.get_by_text("Case 1 of 1")).to_be_visible()
    page.get_by_label("Conventional radiotherapy (cEBRT)").check()
    page.get_by_label("Steroids", exact=True).check()
    page.get_by_label("Palliative: local control and symptom relief").check()
    page.get_by_label("Rationale").fill("Radiosensitive primary, stable spine: radiotherapy alone.")
    page.get_by_label("Olwen Pryce (Oncologist)").check()
    page.get_by_label("Steffan Rees (Spinal surgeon)").check()
    page.get_by_role("group", name="Trial considered?").get_by_label("No").check()
    page.get_by_label("Why not (no trial considered, or not entered)").fill("No open trial on the service's list")
    s.journey.check("the referral's case: the decision form")
    page.get_by_role("button", name="Save (last case)").click()
    expect(page.get_by_text("Decision for SPN0001 saved: awaiting sign-off.")).to_be_visible()
    s.journey.check("the decision awaiting sign-off")
    page.get_by_role("button", name="I agree").click()
    expect(page.get_by_text("Signed: agrees.")).to_be_visible()
    sign_in(page, s.base, "steffan", "Dashboard")
    s.journey.check("the surgeon's dashboard: awaiting his signature")
    page.get_by_role("button", name="I agree: sign the decision for MRN SPN0001").click()
    expect(page.get_by_text("Signed: agrees. MRN SPN0001.")).to_be_visible()
    decision = Decision.objects.get(case=case)
    assert decision.status == Decision.Status.SIGNED and decision.agenda_item.meeting_id == s.meeting.pk
    return decision


def referrer_opens_the_outcome_letter(s: Service, referral: Referral, decision: Decision) -> None:
    """The referrer's referral lists the MDT's decision with its outcome letter, which opens; the case does not."""
    page = s.page
    sign_in(page, s.base, REFERRER_EMAIL, REFERRER_HOME)
    page.get_by_role("link", name=referral.reference).click()
    outcome = page.locator("section", has=page.get_by_role("heading", name="MDT outcome"))
    expect(outcome).to_contain_text(f"MDT decision of {at(s.meeting.starts_at, '%-d %b %Y')}")
    s.journey.check("the referrer's referral", "referral-referrer-view")
    link = outcome.get_by_role("link", name="outcome letter (PDF)")
    assert link.get_attribute("href") == f"/refer/{referral.pk}/outcome/{decision.pk}.pdf"
    letter = page.request.get(s.base + link.get_attribute("href"))
    assert letter.status == 200 and letter.body().startswith(b"%PDF-")
    assert page.request.get(f"{s.base}/cases/{decision.case_id}/").status == 403  # never the case itself


@pytest.mark.hazard("HAZ-141", "HAZ-201")
def test_a_referral_from_sign_up_to_the_mdt_outcome_letter(live_server, page: Page, tmp_path, settings, eager):
    settings.SITE_URL = live_server.url
    night = a_summer_night()
    with time_machine.travel(night - dt.timedelta(minutes=5), tick=True) as clock:
        s = the_service(live_server, page, tmp_path, clock, night)
        sign_up(s)
        fill_the_form(s)
        referral = submit_at_night(s)
        acknowledged_and_alerted(s, referral)
        at_risk_on_the_dashboard(s, referral)
        triage_and_advise(s)
        referrer_reads_the_advice(s, referral)
        case = accept(s, referral)
        list_on_the_agenda(s)
        decision = decide_at_the_mdt(s, case)
        referrer_opens_the_outcome_letter(s, referral, decision)
    assert not s.journey.problems, s.journey.problems
