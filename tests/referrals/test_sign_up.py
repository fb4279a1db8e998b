"""Referrer accounts: sign up on an allowed email domain, confirm once by the emailed link, approval by rule."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from referrals.models import Referrer
from referrals.services.signup import referrer_approve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def emails_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    """The emails go after the account's transaction commits; the test's transaction never does, so
    each request's callbacks run as the request ends."""
    request = Client.request

    def committing(self, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return request(self, **kwargs)

    monkeypatch.setattr(Client, "request", committing)


PASSWORD = "a-long-enough-passphrase-42"


def sign_up(client, org, email="rhian.pugh@nhs.net"):
    return client.post(
        reverse("refer:sign-up"),
        {
            "email": email,
            "given_name": "Rhian",
            "family_name": "Pugh",
            "organisation": org.pk,
            "job_title": "AO registrar",
            "phone": "01632 960 001",
            "password": PASSWORD,
        },
    )


def link_in(message) -> str:
    return re.search(r"https?://\S+/refer/confirm/\S+/", message.body)[0].split("8000", 1)[-1]


def test_an_email_outside_the_allowed_domains_is_refused_naming_them(client, org):
    response = sign_up(client, org, email="rhian@gmail.com")

    assert "Sign up with your work email: an address ending @nhs.net" in response.context["form"].errors["email"][0]
    assert not get_user_model().objects.exists() and not mail.outbox


def test_signing_up_sends_a_link_that_confirms_once_and_approves_an_nhs_net_address(client, org, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    response = sign_up(client, org)
    user = get_user_model().objects.get(username="rhian.pugh@nhs.net")
    assert response["Location"] == reverse("refer:sign-up-sent")
    assert not user.is_active
    assert not client.login(username="rhian.pugh@nhs.net", password=PASSWORD)

    link = link_in(mail.outbox[0])
    assert client.get(link).status_code == 200  # a page with a button: a mail scanner's GET confirms nothing
    assert Referrer.objects.get().email_confirmed_at is None
    client.post(link)
    used = client.post(link)

    referrer = Referrer.objects.get()
    assert referrer.email_confirmed_at is not None and referrer.approved_at is not None
    assert referrer.approved_by is None  # approved by rule
    assert used.status_code == 400 and "has been used or has expired" in used.content.decode()
    assert client.login(username="rhian.pugh@nhs.net", password=PASSWORD)
    assert client.get(reverse("refer:home")).status_code == 200


def test_another_allowed_domain_waits_for_a_coordinator_to_approve(client, org, coordinator, settings):
    settings.REFERRER_EMAIL_DOMAINS = ["nhs.net", "wales.nhs.uk"]
    sign_up(client, org, email="rhian@wales.nhs.uk")
    client.post(link_in(mail.outbox[0]))

    referrer = Referrer.objects.get()
    assert referrer.email_confirmed_at is not None and referrer.approved_at is None

    referrer_approve(referrer_id=referrer.pk, user=coordinator)
    referrer.refresh_from_db()
    assert referrer.approved_by == coordinator


def test_an_address_already_registered_gets_the_same_page_and_an_email_not_a_second_account(client, org, referrer):
    response = sign_up(client, org, email=referrer.email)

    assert response["Location"] == reverse("refer:sign-up-sent")
    assert get_user_model().objects.filter(email=referrer.email).count() == 1
    assert "already has an account" in mail.outbox[0].body


def test_a_forged_link_is_refused(client):
    response = client.post(reverse("refer:confirm", args=["MQ", "1-abc"]))

    assert response.status_code == 400


def test_sign_ups_from_one_address_are_throttled(client, org, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 2
    for n in range(2):
        sign_up(client, org, email=f"person{n}@nhs.net")

    response = sign_up(client, org, email="person9@nhs.net")

    assert "Too many sign-ups" in str(response.context["form"].non_field_errors())
    assert not get_user_model().objects.filter(email="person9@nhs.net").exists()
