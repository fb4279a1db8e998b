"""Every clinician page, in a real Chromium at 1280 px and at 390 px (a phone): no sideways
scrolling on the phone, and no serious or critical accessibility violation (axe-core) at either
width. The pages are walked as an oncologist (who can act) and as a coordinator."""

import datetime as dt
import re

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from live.models import Trial
from mdt.models import Decision, FollowUp, Member
from signin.models import TotpDevice
from tests.e2e.browser import Journey, sign_in
from tests.factories import (
    AgendaItemFactory,
    CaseFactory,
    MeetingFactory,
    PatientFactory,
    ScanFactory,
    decision_awaiting,
    team_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"


def person(username: str, role: str):
    user = team_user(username, role)
    user.first_name, user.last_name = username.title(), "Pryce-Llewellyn-Richards"  # a long name
    user.set_password(PASSWORD)
    user.save()
    return user


# One test per person, so that the two walks can run side by side on the test workers.
@pytest.mark.parametrize("username", ["olwen", "carys"])
def test_every_page_fits_a_phone_and_passes_axe(live_server, page: Page, tmp_path, username):
    oncologist = person("olwen", Member.Role.ONCOLOGIST)
    surgeon = person("steffan", Member.Role.SPINAL_SURGEON)
    person("carys", Member.Role.MDT_COORDINATOR)
    patient = PatientFactory(family_name="Featherstonehaugh-Cholmondeley", given_name="Angharad")
    case = CaseFactory(patient=patient, responsible_clinician=oncologist)
    scan = ScanFactory(case=case, performed=True, report="Deposit at T7. " * 30, escc_grade=4, escc_level="T7")
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, case=case, question="Stabilise T7 before radiotherapy? " * 4)
    decision = decision_awaiting([oncologist, surgeon], timezone.now() - dt.timedelta(hours=1), case=case)
    FollowUp.objects.create(
        case=case, decision=decision, kind="clinic_review", due_on=timezone.localdate(), owner=oncologist.member
    )
    Trial.objects.create(name="A trial with a long name for spinal metastases " * 2, ecog_max=2, primary_sites=["lung"])
    assert Decision.objects.count() == 1 and scan.pk
    pages = [
        "/",
        "/patients/",
        f"/patients/{patient.pk}/",
        f"/cases/{case.pk}/",
        "/scans/pending-review/",
        "/follow-ups/",
        "/meetings/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/items/{item.pk}/decision/",
        f"/decisions/{decision.pk}/",
        "/reports/",
        "/reports/breaches/mri_24h/",
        f"/meetings/{meeting.pk}/standard-of-care/",
        f"/meetings/{meeting.pk}/trials/",
        f"/decisions/{decision.pk}/delivery/",
        f"/decisions/{decision.pk}/trials/",
        "/reports/meeting-time/",
        "/reports/delivery/",
        "/reports/referrals/",
        f"/decisions/{decision.pk}/amend/",
    ]
    today = timezone.localdate()
    # Scores and urgent decisions are the clinicians'; the dataset export and the workspace the
    # coordinators' (the others get 403, tested elsewhere).
    pages += {
        "olwen": [f"/cases/{case.pk}/scores/sins/new/", f"/cases/{case.pk}/urgent-decision/"],
        "carys": [f"/datasets/{today.year}/{today.month}/quality/", "/admin/cases/patient/"],
    }[username]
    base = live_server.url
    journey = Journey(page, tmp_path)
    sign_in(page, base, username, PASSWORD)
    for path in pages:
        page.goto(base + path)
        journey.check(f"{username} {path}")


def test_the_sign_in_and_second_factor_pages_fit_a_phone_and_pass_axe(live_server, page: Page, tmp_path, settings):
    """The pages before anyone is signed in: the password, setting up a second factor, giving its code."""
    settings.MFA_REQUIRED = True
    person("olwen", Member.Role.ONCOLOGIST)
    enrolled = person("steffan", Member.Role.SPINAL_SURGEON)
    TotpDevice.objects.create(user=enrolled, secret=pyotp.random_base32(), confirmed=True)
    base = live_server.url
    journey = Journey(page, tmp_path)

    page.goto(f"{base}/accounts/login/")
    journey.check("the sign-in page")
    for username, where in (("olwen", "second-factor/set-up/"), ("steffan", "second-factor/")):
        page.context.clear_cookies()
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page).to_have_url(re.compile(rf"/accounts/{where}(\?|$)"))
        journey.check(f"the second factor for {username} ({where})")
