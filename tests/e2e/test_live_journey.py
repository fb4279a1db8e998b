"""The live meeting in two real Chromiums at once: the coordinator drives, a clinician follows.

The clinician's screen is never reloaded (a marker set in its window survives every change): it
follows the case, shows "outcome being recorded" and then the result, and the quorum as the
coordinator confirms who is present; when it loses the server it says so.
"""

import pytest
from playwright.sync_api import Browser, expect

from live import services
from live.models import Trial
from mdt.models import Decision
from tests.e2e.browser import Journey, sign_in
from tests.live.makers import room

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
FOLLOW = 8000  # ms: a follower's screen changes within a few polls


@pytest.fixture
def fast_polling(settings):
    settings.LIVE_POLL_MS = 500


def _still_the_same_page(page) -> None:
    assert page.evaluate("window.liveMarker") == "not reloaded"


@pytest.mark.hazard("HAZ-120")
@pytest.mark.hazard("HAZ-121")
def test_a_clinicians_screen_follows_the_coordinator_through_a_live_meeting(
    live_server, browser: Browser, browser_context_args, tmp_path, fast_polling
):
    r = room(3, password=PASSWORD)
    Trial.objects.create(name="SPINE-RT", reference="local example", primary_sites=["breast"], escc_min=4)
    base = live_server.url
    live_url = f"{base}/meetings/{r.meeting.pk}/live/"
    coordinator = browser.new_context(**browser_context_args).new_page()
    clinician = browser.new_context(**browser_context_args).new_page()
    drive, follow = Journey(coordinator, tmp_path), Journey(clinician, tmp_path)

    # The coordinator opens the live screen from the meeting's page and starts.
    sign_in(coordinator, base, "live_coordinator", PASSWORD)
    coordinator.goto(f"{base}/meetings/{r.meeting.pk}/")
    coordinator.get_by_role("link", name="Live screen").click()
    coordinator.get_by_role("button", name="Start the meeting on the live screen").click()
    expect(coordinator.locator(".live-patient-name")).to_have_text("GRIFFITHS, Alys")

    # The clinician joins and marks themselves present; from here their page is never reloaded.
    sign_in(clinician, base, "live_oncologist", PASSWORD)
    clinician.goto(live_url)
    expect(clinician.locator(".live-patient-name")).to_have_text("GRIFFITHS, Alys")
    clinician.get_by_role("button", name="I am here: mark me present").click()
    expect(clinician.get_by_text("You marked yourself present.")).to_be_visible()
    clinician.evaluate("window.liveMarker = 'not reloaded'")
    expect(clinician.locator(".live-quorum")).to_contain_text("no oncologist")

    # The coordinator sees the check-in arrive and confirms it; the clinician's quorum line follows.
    coordinator.get_by_role("button", name="Confirm Oncologist Jones").click(timeout=FOLLOW)
    expect(coordinator.locator(".live-present")).to_contain_text("Oncologist Jones")
    expect(clinician.locator(".live-quorum")).to_have_text(
        "Not quorate: no spinal surgeon, no radiologist confirmed present.", timeout=FOLLOW
    )

    # Next case: the clinician's screen moves with it.
    coordinator.get_by_role("button", name="Next case").click()
    expect(clinician.locator(".live-patient-name")).to_have_text("BOWEN, Sian", timeout=FOLLOW)
    expect(clinician.get_by_role("heading", name="Case 2 of 3")).to_be_visible()
    expect(clinician.locator(".live-trials")).to_contain_text("To check SPINE-RT (local example): to check: ESCC grade")
    _still_the_same_page(clinician)

    # The coordinator records the outcome from the live screen: "being recorded", then the result.
    coordinator.get_by_role("button", name="Record the outcome").click()
    expect(clinician.locator(".live-recording")).to_contain_text(
        "Outcome being recorded for BOWEN, Sian", timeout=FOLLOW
    )
    drive.check("the live screen, recording an outcome", shot="live-coordinator")
    follow.check("the live screen, following", shot="live-meeting")
    coordinator.get_by_label("Conventional radiotherapy (cEBRT)").check()
    coordinator.get_by_label("Palliative: local control and symptom relief").check()
    coordinator.get_by_label("Rationale").fill("Radiosensitive primary, stable spine: radiotherapy alone.")
    coordinator.get_by_label("Oncologist Jones (Oncologist)").check()
    coordinator.get_by_label("Surgeon Jones (Spinal surgeon)").check()
    coordinator.get_by_role("group", name="Trial considered?").get_by_label("No").check()
    coordinator.get_by_label("Why not (no trial considered, or not entered)").fill("No trial open for breast primaries")
    coordinator.get_by_role("button", name="Save the outcome").click()
    expect(coordinator.get_by_text("saved: awaiting sign-off")).to_be_visible()
    expect(clinician.locator(".live-result")).to_contain_text(
        "Radiosensitive primary, stable spine: radiotherapy alone.", timeout=FOLLOW
    )
    assert Decision.objects.get(agenda_item=r.items[1]).recorded_by == r.coordinator
    _still_the_same_page(clinician)
    follow.check("the live screen, the outcome recorded", shot="live-meeting-result")

    # Jump to the last case.
    coordinator.get_by_label("Jump to case").select_option(label=f"3. PRYCE, Owain · MRN {r.items[2].case.patient.mrn}")
    coordinator.get_by_role("button", name="Go").click()
    expect(clinician.locator(".live-patient-name")).to_have_text("PRYCE, Owain", timeout=FOLLOW)
    _still_the_same_page(clinician)

    # The clinician's connection drops: the screen says it is not up to date, and greys out the case.
    clinician.route("**/live/state/", lambda route: route.abort())
    expect(clinician.get_by_text("This screen is not up to date.")).to_be_visible(timeout=FOLLOW)
    expect(clinician.locator("#live-panel.live-is-stale")).to_have_count(1)


def test_a_follower_watching_the_live_screen_is_not_warned_of_the_idle_sign_out(
    live_server, browser: Browser, browser_context_args, tmp_path, settings
):
    """Following the meeting is using the app: each answer counts as activity, on the server and on the page."""
    settings.LIVE_POLL_MS = 500
    settings.SESSION_IDLE_SECONDS = 20  # the warning would show after 16 seconds without activity
    r = room(2, password=PASSWORD)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    clinician = browser.new_context(**browser_context_args).new_page()
    sign_in(clinician, live_server.url, "live_oncologist", PASSWORD)
    clinician.goto(f"{live_server.url}/meetings/{r.meeting.pk}/live/")
    expect(clinician.locator(".live-patient-name")).to_have_text("GRIFFITHS, Alys")

    clinician.wait_for_timeout(25_000)  # longer than the idle limit, watching only

    expect(clinician.locator("#session-warning")).to_be_hidden()
    services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action="next", from_item_id=r.items[0].pk)
    expect(clinician.locator(".live-patient-name")).to_have_text("BOWEN, Sian", timeout=FOLLOW)
