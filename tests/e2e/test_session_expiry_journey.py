"""No lost work, in a real Chromium: the page warns before the idle limit, "Stay signed in" gives the
time back, and a decision saved after the limit is not lost: sign-in brings back the form as typed.

The idle limit is the real one (15 minutes: the banner two minutes before, static/js/session.js). The
page's clock is Playwright's, moved forward rather than waited for; on the server, the time passing is
the session's last activity moved back by as much, as the idle limit reads it (accounts.middleware)."""

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.middleware import LAST_ACTIVE_AT
from cases.choices import CaseStatus
from mdt.models import Decision, Meeting, Member
from tests.e2e.browser import Journey, sign_in
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, PatientFactory, follow_up, team_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
RATIONALE = "Stable spine, radiosensitive primary: radiotherapy alone. Typed as the limit passed."
IDLE_SECONDS = 15 * 60
UNTIL_WARNING = "13:01"  # the banner comes two minutes before the limit


def idle_on_the_server(page: Page, seconds: int) -> None:
    """The browser's session as the server will read it after `seconds` without a request."""
    key = next(c["value"] for c in page.context.cookies() if c["name"] == django_settings.SESSION_COOKIE_NAME)
    session = SessionStore(session_key=key)
    session[LAST_ACTIVE_AT] = time.time() - seconds
    session.save()


def decision_form(base: str) -> str:
    """An oncologist who may record the outcome of the case on a meeting under way; the form's address."""
    olwen = team_user("olwen", Member.Role.ONCOLOGIST)
    olwen.first_name, olwen.last_name = "Olwen", "Pryce"
    olwen.set_password(PASSWORD)
    olwen.save()
    starts = timezone.now() - dt.timedelta(minutes=5)
    meeting = MeetingFactory(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), status=Meeting.Status.IN_PROGRESS
    )
    case = CaseFactory(
        patient=PatientFactory(family_name="Griffiths", given_name="Alys"), status=CaseStatus.AWAITING_MDT
    )
    item = AgendaItemFactory(meeting=meeting, case=case, position=1)
    return f"{base}/meetings/{meeting.pk}/items/{item.pk}/decision/"


def signed_in_again_the_form_is_as_typed(page: Page, form_url: str) -> None:
    """From the sign-in page that says the typing was kept: signing in again brings the decision form back as
    typed, offered to be checked and saved (nothing saved yet)."""
    expect(page.get_by_text("What you typed was kept: sign in again to check it and save it.")).to_be_visible()
    assert not Decision.objects.exists()
    page.get_by_label("Username").fill("olwen")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("You were signed out before this was saved.")).to_be_visible()
    assert page.url == form_url
    assert page.get_by_label("Rationale").input_value() == RATIONALE
    expect(page.get_by_label("Palliative: local control and symptom relief")).to_be_checked()


def rationale_typed(base: str, page: Page, settings: Any, tmp_path: Path) -> tuple[str, Journey]:
    """Signed in with a stopped page clock and a short idle limit, the rationale typed on the decision form;
    the form's address and the journey."""
    settings.SESSION_IDLE_SECONDS = IDLE_SECONDS
    form_url = decision_form(base)
    journey = Journey(page, tmp_path)
    page.clock.install()
    sign_in(page, base, "olwen", PASSWORD)
    page.goto(form_url)
    page.get_by_label("Rationale").fill(RATIONALE)
    return form_url, journey


@pytest.mark.hazard("HAZ-032")
def test_the_page_warns_before_expiry_and_a_late_decision_comes_back_after_signing_in(
    live_server, page: Page, settings, tmp_path: Path
):
    form_url, journey = rationale_typed(live_server.url, page, settings, tmp_path)
    banner = page.locator("#session-warning")
    expect(banner).to_be_hidden()

    # The warning comes before the limit, with the time left; "Stay signed in" gives the time back.
    page.clock.fast_forward(UNTIL_WARNING)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("You will be signed out in 2 minutes")
    page.get_by_role("button", name="Stay signed in").click()
    expect(banner).to_be_hidden()
    assert page.get_by_label("Rationale").input_value() == RATIONALE  # nothing reloaded
    page.clock.fast_forward("12:00")
    expect(banner).to_be_hidden()  # the time was given back: no warning a minute before the old limit

    # This time nobody answers: the limit passes, then the decision is saved.
    page.clock.fast_forward("01:01")
    expect(banner).to_be_visible()
    journey.check("the expiry warning over the decision form", shot="session-expiry-warning")
    page.clock.fast_forward("02:01")
    expect(banner.get_by_text("Your session has ended. Sign in again to carry on")).to_be_visible()
    idle_on_the_server(page, IDLE_SECONDS + 1)
    page.get_by_label("Palliative: local control and symptom relief").check()
    page.get_by_role("button", name="Save (last case)").click()

    signed_in_again_the_form_is_as_typed(page, form_url)
    journey.check("the decision form offered again after signing in", shot="session-expiry-kept")
    assert not Decision.objects.exists()  # offered to be checked and saved, not saved behind their back


@pytest.mark.hazard("HAZ-032")
def test_after_the_limit_the_banner_signs_in_again_and_what_was_typed_comes_back(
    live_server, page: Page, settings, tmp_path: Path
):
    """Once the limit has passed, the banner's button never reloads the page over what was typed: it says
    the session ended, and signing in again brings the form back as typed."""
    form_url, journey = rationale_typed(live_server.url, page, settings, tmp_path)
    page.get_by_label("Palliative: local control and symptom relief").check()

    page.clock.fast_forward("15:01")
    idle_on_the_server(page, IDLE_SECONDS + 1)
    banner = page.locator("#session-warning")
    expect(banner.get_by_text("Your session has ended. Sign in again to carry on")).to_be_visible()
    expect(banner.get_by_text("You will be signed out")).to_be_hidden()
    expect(page.get_by_role("button", name="Stay signed in")).to_have_count(0)
    journey.check("the banner once the session has ended")
    page.get_by_role("button", name="Sign in again").click()

    signed_in_again_the_form_is_as_typed(page, form_url)
    assert not Decision.objects.exists()


@pytest.mark.hazard("HAZ-032")
def test_after_the_limit_a_form_that_cannot_be_kept_stays_on_the_page_to_be_copied(
    live_server, page: Page, settings, tmp_path: Path
):
    """A form posting to another address (a follow-up's outcome, from the list) cannot be offered again
    after signing in: the banner's button never reloads over it, it says to copy what was typed first."""
    settings.SESSION_IDLE_SECONDS = IDLE_SECONDS
    base = live_server.url
    decision_form(base)
    olwen = Member.objects.get(user__username="olwen").user
    follow_up(olwen, timezone.localdate(), case=CaseFactory(patient=PatientFactory(mrn="RX2001")))
    journey = Journey(page, tmp_path)
    page.clock.install()
    sign_in(page, base, "olwen", PASSWORD)
    page.goto(f"{base}/follow-ups/")
    page.get_by_text("Complete…").click()
    outcome = page.get_by_label("Outcome of the clinic review (MRN RX2001)")
    outcome.fill("Seen in clinic: walking, no new weakness.")

    page.clock.fast_forward("15:01")
    idle_on_the_server(page, IDLE_SECONDS + 1)
    page.get_by_role("button", name="Sign in again").click()

    banner = page.locator("#session-warning")
    expect(banner.get_by_text("what you typed here could not be kept: copy it")).to_be_visible()
    expect(banner.get_by_role("link", name="sign in again")).to_be_visible()
    expect(banner.get_by_role("link", name="sign in again")).to_have_attribute(
        "href",
        "/accounts/login/?next=%2Ffollow-ups%2F",  # back here after signing in
    )
    assert outcome.input_value() == "Seen in clinic: walking, no new weakness."  # not reloaded away
    journey.check("the banner: signed out, copy what was typed")
