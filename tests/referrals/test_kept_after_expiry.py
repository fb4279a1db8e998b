"""No lost referral: a step of the form, or the advice, posted after the session ended comes back filled in
after the same person signs in again (core.drafts), not blank."""

import pytest
from django.urls import reverse

from core.drafts import KEPT
from referrals.models import Advice, Referral
from referrals.services import drafts
from tests.referrals import makers
from tests.sessions import idle, sign_in

pytestmark = pytest.mark.django_db

NEUROLOGY = "Power 3/5 both legs since this morning, sensory level T10, typed just before the limit."
ADVICE = "Keep flat and log roll; dexamethasone 16 mg now; typed just before the limit."


@pytest.mark.hazard("HAZ-040")
def test_a_step_posted_after_the_session_expired_comes_back_with_what_was_typed(client, clock, referrer):
    referral = drafts.referral_start(user=referrer)
    url = reverse("refer:step", args=[referral.pk, "neurology"])
    sign_in(client, referrer)
    idle(clock)

    response = client.post(
        url,
        {
            "neurology_detail": NEUROLOGY,
            "red_flags": ["limb_weakness"],
            "loaded_version": referral.version,
            "next": "1",
        },
    )

    assert response.status_code == 302 and "Power" not in response["Location"]
    assert Referral.objects.get(pk=referral.pk).neurology_detail == ""  # nothing saved by a signed-out post
    assert client.session[KEPT]["path"] == url
    sign_in(client, referrer)
    page = client.get(url).content.decode()

    assert NEUROLOGY in page
    assert "You were signed out before this was saved" in page
    assert NEUROLOGY not in client.get(url).content.decode()  # offered once


@pytest.mark.hazard("HAZ-040")
def test_advice_posted_after_the_session_expired_comes_back_with_what_was_typed(client, clock, referrer, mscc):
    referral = makers.submitted(referrer)
    url = reverse("referrals:advice", args=[referral.pk])
    sign_in(client, mscc)
    idle(clock)

    client.post(url, {"outcome": "list_for_mdt", "advice": ADVICE, "precautions": "flat_log_roll"})

    assert not Advice.objects.exists()
    sign_in(client, mscc)
    page = client.get(url).content.decode()
    assert ADVICE in page and "You were signed out before this was saved" in page
