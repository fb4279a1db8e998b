"""An administrator's reset for a lost device, and the auditors' page of sign-in records."""

import re

import pyotp
import pytest
from django.urls import reverse

from accounts.models import SignInRecord
from signin.models import Passkey, RecoveryCode, SecondFactorReset, TotpDevice
from tests.factories import PASSWORD, clinician_user, coordinator_user, read_only_user

pytestmark = pytest.mark.django_db

RESET_ADD = "/admin/signin/secondfactorreset/add/"


def give_factors(user):
    TotpDevice.objects.create(user=user, secret=pyotp.random_base32(), confirmed=True)
    Passkey.objects.create(user=user, credential_id=f"cred-{user.pk}", public_key=b"key")
    RecoveryCode.objects.create(user=user, code_hash=f"hash-{user.pk}")


@pytest.mark.hazard("HAZ-037")
def test_an_administrator_resets_a_lost_device_with_the_reason_and_history(client, admin_user, settings):
    user = clinician_user()
    give_factors(user)
    client.force_login(admin_user)

    response = client.post(RESET_ADD, {"user": user.pk, "reason": "Phone lost on the ward; identity checked in person"})

    assert response.status_code == 302, response.content
    assert not TotpDevice.objects.filter(user=user).exists() and not Passkey.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    reset = SecondFactorReset.objects.get(user=user)
    assert reset.performed_by == admin_user
    assert reset.removed == "1 authenticator app, 1 passkey, 1 recovery codes"
    assert TotpDevice.history.filter(user_id=user.pk, history_type="-").count() == 1
    assert Passkey.history.filter(user_id=user.pk, history_type="-").count() == 1
    record = SignInRecord.objects.get(user=user, event=SignInRecord.Event.RESET)
    assert record.by == admin_user and "Phone lost" in record.detail

    settings.MFA_REQUIRED = True
    client.logout()
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert client.get(reverse("signin:second-factor"))["Location"] == "/accounts/second-factor/set-up/"


@pytest.mark.hazard("HAZ-037")
def test_only_a_superuser_can_reset(client):
    coordinator = coordinator_user()
    client.force_login(coordinator)

    assert client.get(RESET_ADD).status_code == 403
    assert client.post(RESET_ADD, {"user": coordinator.pk, "reason": "x"}).status_code == 403


@pytest.mark.hazard("HAZ-037")
def test_a_reset_needs_a_reason(client, admin_user):
    user = clinician_user()
    give_factors(user)
    client.force_login(admin_user)

    response = client.post(RESET_ADD, {"user": user.pk, "reason": ""})

    assert response.status_code == 200
    assert TotpDevice.objects.filter(user=user).exists()


@pytest.mark.hazard("HAZ-036")
def test_auditors_filter_the_sign_in_records_by_method(client):
    user = clinician_user()
    for method in ("sso", "password_totp", "password_passkey", "password_recovery"):
        SignInRecord.objects.create(user=user, event="signed_in", method=method)
    client.force_login(read_only_user())

    page = client.get("/admin/accounts/signinrecord/", {"method": "password_passkey"}).content.decode()

    assert "Password and passkey" in page
    rows = re.findall(r"<tr>.*?</tr>", page.split("<tbody>")[1], re.S)
    assert len(rows) == 1
    for label in ("Single sign-on", "Password and one-time code", "Password and recovery code", "Password only"):
        assert label in page  # offered as filters


def test_coordinators_do_not_see_the_sign_in_records(client):
    client.force_login(coordinator_user())

    assert client.get("/admin/accounts/signinrecord/").status_code == 403
