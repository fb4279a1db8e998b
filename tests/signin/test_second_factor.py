"""The second factor for local accounts: set up at first sign-in, one-time codes, recovery codes, throttling."""

import datetime as dt
import re

import pyotp
import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import SignInRecord
from signin.models import RecoveryCode, TotpDevice
from tests.factories import PASSWORD, clinician_user, coordinator_user
from tests.signin.conftest import totp_for

pytestmark = pytest.mark.django_db

SECOND_FACTOR = "/accounts/second-factor/"
SET_UP = "/accounts/second-factor/set-up/"


def sign_in(client, user, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=address)


def set_up_app(client):
    """Scan the page's key into a real TOTP generator and confirm with its code; the recovery codes page."""
    page = client.get(SET_UP).content.decode()
    secret = re.search(r"data-totp-secret>(\w+)<", page)[1]
    confirmed = client.post(SET_UP, {"code": pyotp.TOTP(secret).now()})
    assert confirmed.status_code == 302, confirmed.content
    return client.get(confirmed["Location"])


def enrolled_user(client, make=clinician_user):
    user = make()
    sign_in(client, user)
    codes_page = set_up_app(client)
    client.post(reverse("logout"))
    return user, re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", codes_page.content.decode())


def a_minute_later():
    """The code used at set-up is spent: the next sign-in waits for the app's next code."""
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=61))


def method_records(user):
    return list(
        SignInRecord.objects.filter(user=user, event=SignInRecord.Event.SIGNED_IN).values_list("method", flat=True)
    )


@pytest.mark.hazard("HAZ-036")
def test_a_password_alone_opens_nothing_when_the_second_factor_is_required(client, mfa_required):
    user = coordinator_user()

    assert sign_in(client, user).status_code == 302
    for page in (reverse("dashboard"), reverse("patient-list"), reverse("admin:index"), "/admin/cases/patient/"):
        response = client.get(page)
        assert (response.status_code, response["Location"]) == (302, SECOND_FACTOR), page
    assert client.get(SECOND_FACTOR)["Location"] == SET_UP  # nothing set up yet: set one up now


def test_the_admins_own_sign_in_page_leads_to_the_second_factor_too(client, mfa_required):
    user = coordinator_user()

    client.post(reverse("admin:login"), {"username": user.username, "password": PASSWORD})

    assert client.get(reverse("admin:index"))["Location"] == SECOND_FACTOR


def test_a_test_clients_force_login_is_not_trusted_when_the_second_factor_is_on(client, mfa_required):
    client.force_login(clinician_user())

    assert client.get(reverse("dashboard"))["Location"] == SECOND_FACTOR


def test_setting_up_an_app_signs_in_and_shows_ten_recovery_codes_once(client, mfa_required):
    user = clinician_user()
    sign_in(client, user)

    codes_page = set_up_app(client)

    codes = re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", codes_page.content.decode())
    assert len(set(codes)) == 10
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("signin:recovery-codes")).status_code == 302  # not shown again
    stored = " ".join(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert not any(code.replace("-", "") in stored or code in stored for code in codes)
    events = set(SignInRecord.objects.filter(user=user).values_list("event", "method"))
    assert ("enrolled", "password_totp") in events and ("signed_in", "password_totp") in events


def test_the_page_the_user_wanted_opens_after_the_second_step(client, mfa_required):
    user, _ = enrolled_user(client)
    with a_minute_later():
        response = client.post(
            reverse("login"), {"username": user.username, "password": PASSWORD, "next": "/patients/?q=smith"}
        )
        client.get(response["Location"])

        done = client.post(SECOND_FACTOR, {"code": totp_for(user).now()})

    assert done["Location"] == "/patients/?q=smith"


def test_a_right_code_signs_in_and_a_wrong_one_does_not(client, mfa_required):
    user, _ = enrolled_user(client)
    sign_in(client, user)
    with a_minute_later():
        code = totp_for(user).now()
        wrong = client.post(SECOND_FACTOR, {"code": "000000" if code != "000000" else "111111"})
        assert wrong.status_code == 200
        assert "That code was not accepted" in wrong.content.decode()
        assert client.get(reverse("dashboard"))["Location"] == SECOND_FACTOR

        right = client.post(SECOND_FACTOR, {"code": code})

    assert right.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
    assert method_records(user)[0] == SignInRecord.Method.PASSWORD_TOTP
    assert SignInRecord.objects.filter(user=user, event="failed", method="password_totp").count() == 1


OTHER_DIGITS = {
    "superscript": "\u00b2" * 6,
    "full-width": "".join(chr(0xFF10 + n) for n in range(1, 7)),
    "arabic-indic": "".join(chr(0x0660 + n) for n in range(1, 7)),
}


@pytest.mark.parametrize("code", list(OTHER_DIGITS.values()), ids=list(OTHER_DIGITS))
def test_a_code_in_other_digits_is_refused_not_a_server_error(client, mfa_required, code):
    user, _ = enrolled_user(client)
    sign_in(client, user)

    refused = client.post(SECOND_FACTOR, {"code": code})

    assert refused.status_code == 200 and "That code was not accepted" in refused.content.decode()
    assert client.get(reverse("dashboard"))["Location"] == SECOND_FACTOR


@pytest.mark.hazard("HAZ-036")
def test_a_code_is_accepted_once_only(client, mfa_required):
    user, _ = enrolled_user(client)
    now = timezone.now() + dt.timedelta(minutes=2)  # past the step used at set-up
    with time_machine.travel(now, tick=False):
        code = totp_for(user).now()
        sign_in(client, user)
        assert client.post(SECOND_FACTOR, {"code": code}).status_code == 302
        client.post(reverse("logout"))

        sign_in(client, user)
        replay = client.post(SECOND_FACTOR, {"code": code})

    assert replay.status_code == 200
    assert client.get(reverse("dashboard"))["Location"] == SECOND_FACTOR


@pytest.mark.hazard("HAZ-037")
def test_a_recovery_code_works_once(client, mfa_required):
    user, codes = enrolled_user(client)
    sign_in(client, user)

    assert client.post(SECOND_FACTOR, {"code": codes[0].upper()}).status_code == 302
    assert method_records(user)[0] == SignInRecord.Method.PASSWORD_RECOVERY
    client.post(reverse("logout"))
    sign_in(client, user)
    assert client.post(SECOND_FACTOR, {"code": codes[0]}).status_code == 200
    assert client.post(SECOND_FACTOR, {"code": codes[1]}).status_code == 302


@pytest.mark.hazard("HAZ-036")
def test_wrong_codes_pause_the_second_step_like_wrong_passwords(client, mfa_required):
    user, _ = enrolled_user(client)
    sign_in(client, user)
    start = timezone.now() + dt.timedelta(seconds=61)
    with time_machine.travel(start, tick=False):
        for _ in range(settings.MFA_FAILURE_LIMIT):
            client.post(SECOND_FACTOR, {"code": "12345"})  # never a valid code
        paused = client.post(SECOND_FACTOR, {"code": totp_for(user).now()})
    with time_machine.travel(start + dt.timedelta(seconds=settings.LOGIN_COOLOFF_SECONDS + 5), tick=False):
        client.logout()  # the idle limit would sign the waiting session out anyway
        sign_in(client, user)
        after = client.post(SECOND_FACTOR, {"code": totp_for(user).now()})

    assert paused.status_code == 200
    assert "That code was not accepted" in paused.content.decode()
    assert after["Location"] == reverse("dashboard")


@pytest.mark.hazard("HAZ-036")
def test_a_password_alone_cannot_add_a_new_factor_to_an_account_that_has_one(client, mfa_required):
    """Else whoever has the password adds their own phone and skips the owner's."""
    user, _ = enrolled_user(client)
    sign_in(client, user)

    assert client.get(SET_UP)["Location"] == SECOND_FACTOR
    assert client.post(SET_UP, {"code": "123456"})["Location"] == SECOND_FACTOR
    assert client.post(reverse("signin:passkey-new-options")).status_code == 403
    assert client.post(reverse("signin:passkey-new"), "{}", content_type="application/json").status_code == 403
    assert TotpDevice.objects.filter(user=user).count() == 1


def test_without_the_requirement_an_account_with_a_factor_still_needs_it(client, settings):
    settings.MFA_REQUIRED = True
    user, _ = enrolled_user(client)
    settings.MFA_REQUIRED = False

    sign_in(client, user)

    assert client.get(reverse("dashboard"))["Location"] == SECOND_FACTOR


def test_without_the_requirement_and_without_a_factor_the_password_is_enough(client):
    user = clinician_user()

    assert sign_in(client, user)["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    assert method_records(user) == [SignInRecord.Method.PASSWORD]


def test_a_wrong_password_is_recorded_against_the_account_and_an_unknown_name_against_none(client):
    user = clinician_user()
    client.post(reverse("login"), {"username": user.username, "password": "wrong-password"})
    client.post(reverse("login"), {"username": "my-password-in-the-wrong-box", "password": "x"})

    failures = SignInRecord.objects.filter(event=SignInRecord.Event.FAILED, method="password")
    assert sorted(failures.values_list("user_id", flat=True), key=str) == sorted([user.pk, None], key=str)
    assert "wrong-box" not in " ".join(str(record) + record.detail for record in failures)
