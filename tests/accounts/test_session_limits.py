"""Sessions end after 15 idle minutes, and 12 hours after sign-in however busy the user is."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import LAST_ACTIVE_AT, SIGNED_IN_AT
from tests.factories import PASSWORD, clinician_user, coordinator_user
from tests.sessions import START

pytestmark = pytest.mark.django_db


def sign_in(client) -> None:
    user = clinician_user()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302


def later(clock, **delta) -> None:
    clock.move_to(timezone.now() + dt.timedelta(**delta))


def test_it_keeps_a_user_signed_in_within_the_idle_limit(client, clock):
    sign_in(client)
    later(clock, seconds=settings.SESSION_IDLE_SECONDS - 1)

    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.hazard("HAZ-007")
def test_it_signs_out_after_fifteen_idle_minutes_and_says_why(client, clock):
    sign_in(client)
    old_key = client.session.session_key
    later(clock, minutes=15, seconds=1)

    response = client.get(reverse("patient-list") + "?q=smith")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/patients/%3Fq%3Dsmith"
    assert not SessionStore().exists(old_key)
    page = client.get(response["Location"])
    assert "You were signed out after 15 minutes without activity" in page.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


def test_it_counts_any_request_as_activity(client, clock):
    sign_in(client)
    for _ in range(8):  # two hours, a request every quarter of an hour less a minute
        later(clock, minutes=14)
        assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.slow  # walks the clock through twelve hours of requests
def test_it_signs_out_twelve_hours_after_sign_in_however_active(client, clock):
    sign_in(client)
    for _ in range(int(12 * 60 / 10)):  # a request every ten minutes for twelve hours
        later(clock, minutes=10)
        assert client.get(reverse("dashboard")).status_code == 200
    later(clock, minutes=1)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["You were signed out because you signed in more than 12 hours ago. Please sign in again."]


def test_it_applies_the_limits_in_the_admin_too(client, clock):
    client.force_login(coordinator_user())
    later(clock, minutes=16)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/admin/")


@pytest.mark.hazard("HAZ-032")
def test_it_sends_a_stale_form_post_to_sign_in_without_acting_on_it(client, clock):
    sign_in(client)
    later(clock, minutes=20)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_it_starts_the_clocks_at_sign_in_and_writes_activity_at_most_once_a_minute(client, clock):
    sign_in(client)
    assert client.session[SIGNED_IN_AT] == client.session[LAST_ACTIVE_AT] == START.timestamp()

    later(clock, seconds=30)
    client.get(reverse("dashboard"))
    assert client.session[LAST_ACTIVE_AT] == START.timestamp()

    later(clock, seconds=31)
    client.get(reverse("dashboard"))
    assert client.session[LAST_ACTIVE_AT] == START.timestamp() + 61
    assert client.session[SIGNED_IN_AT] == START.timestamp()


def test_it_reads_the_idle_limit_from_settings(client, clock, settings):
    settings.SESSION_IDLE_SECONDS = 5 * 60
    sign_in(client)
    later(clock, minutes=6)

    response = client.get(reverse("dashboard"), follow=True)

    assert "You were signed out after 5 minutes without activity" in response.content.decode()
