"""Sign-in throttling, one message for every failure, session rotation, sign-out, password strength."""

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import time_machine
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth import aauthenticate, authenticate, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import SignInThrottle
from tests.factories import PASSWORD, UserFactory, clinician_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def sign_in(client, username, password, address="10.0.0.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def signed_in(client) -> bool:
    return client.get(reverse("dashboard")).status_code == 200


def fail(client, username, times, address="10.0.0.1"):
    for _ in range(times):
        assert sign_in(client, username, "wrong-password", address).status_code == 200


def test_it_signs_in_with_the_right_password(client):
    user = clinician_user()

    response = sign_in(client, user.username, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert signed_in(client)


@pytest.mark.hazard("HAZ-007")
def test_it_pauses_a_username_after_five_failures_even_for_the_right_password(client):
    user = clinician_user()
    fail(client, user.username, settings.LOGIN_FAILURE_LIMIT)

    response = sign_in(client, user.username, PASSWORD, address="10.9.9.9")  # another machine

    assert response.status_code == 200
    assert not signed_in(client)


def test_it_does_not_pause_before_the_limit(client):
    user = clinician_user()
    fail(client, user.username, settings.LOGIN_FAILURE_LIMIT - 1)

    assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_it_gives_one_message_for_unknown_user_wrong_password_and_paused_account(client):
    user = clinician_user()
    unknown = errors(sign_in(client, "no-such-user", "whatever-it-is"))
    wrong = errors(sign_in(client, user.username, "wrong-password"))
    inactive = UserFactory(username="left", is_active=False)
    inactive_errors = errors(sign_in(client, inactive.username, PASSWORD))
    fail(client, user.username, settings.LOGIN_FAILURE_LIMIT)
    paused = sign_in(client, user.username, PASSWORD)

    assert unknown == wrong == inactive_errors == errors(paused)
    assert len(unknown) == 1
    assert "paused" not in paused.content.decode().replace(unknown[0], "")  # only the generic sentence says it


def test_it_unlocks_by_itself_after_the_cool_off(client):
    user = clinician_user()
    fail(client, user.username, settings.LOGIN_FAILURE_LIMIT)
    paused_at = timezone.now()

    with time_machine.travel(paused_at + dt.timedelta(seconds=settings.LOGIN_COOLOFF_SECONDS - 5), tick=False):
        assert sign_in(client, user.username, PASSWORD).status_code == 200
    with time_machine.travel(paused_at + dt.timedelta(seconds=settings.LOGIN_COOLOFF_SECONDS + 5), tick=False):
        assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_it_does_not_extend_the_pause_for_attempts_made_during_it(client):
    user = clinician_user()
    fail(client, user.username, settings.LOGIN_FAILURE_LIMIT)
    start = timezone.now()

    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        fail(client, user.username, 3)
    with time_machine.travel(start + dt.timedelta(seconds=settings.LOGIN_COOLOFF_SECONDS + 5), tick=False):
        assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_it_clears_the_counter_after_a_successful_sign_in(client):
    user = clinician_user()
    fail(client, user.username, settings.LOGIN_FAILURE_LIMIT - 1)
    assert sign_in(client, user.username, PASSWORD).status_code == 302
    client.logout()

    fail(client, user.username, settings.LOGIN_FAILURE_LIMIT - 1)

    assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_it_counts_usernames_whatever_their_case(client):
    user = clinician_user()
    fail(client, user.username.upper(), settings.LOGIN_FAILURE_LIMIT)

    assert sign_in(client, user.username, PASSWORD).status_code == 200


def test_it_pauses_an_address_that_tries_one_password_on_many_usernames(client):
    user = clinician_user()
    for number in range(settings.LOGIN_IP_FAILURE_LIMIT):
        assert sign_in(client, f"someone{number}", "Spring2026!", address="203.0.113.7").status_code == 200

    assert sign_in(client, user.username, PASSWORD, address="203.0.113.7").status_code == 200
    assert sign_in(client, user.username, PASSWORD, address="10.0.0.2").status_code == 302


def test_it_lets_one_address_pause_only_a_few_accounts(client):
    """Attempts from a paused address are not counted against usernames: a sprayer cannot pause everyone."""
    victims = [clinician_user(f"victim{n}") for n in range(10)]
    for victim in victims:
        fail(client, victim.username, settings.LOGIN_FAILURE_LIMIT, address="203.0.113.7")

    usable = [v for v in victims if sign_in(Client(), v.username, PASSWORD, address="10.0.0.3").status_code == 302]

    paused = settings.LOGIN_IP_FAILURE_LIMIT // settings.LOGIN_FAILURE_LIMIT
    assert len(usable) == len(victims) - paused


def test_it_gives_back_the_addresses_slot_on_success_so_a_busy_shared_address_is_not_paused(client):
    for number in range(settings.LOGIN_IP_FAILURE_LIMIT * 2):
        user = clinician_user(f"ward{number}")
        assert sign_in(Client(), user.username, PASSWORD, address="10.1.1.1").status_code == 302


def test_it_reads_the_client_address_from_the_proxy_header_when_told_to(client, settings):
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    user = clinician_user()
    for number in range(3):
        client.post(LOGIN, {"username": f"x{number}", "password": "x"}, HTTP_X_REAL_IP="198.51.100.1")

    paused = client.post(LOGIN, {"username": user.username, "password": PASSWORD}, HTTP_X_REAL_IP="198.51.100.1")
    other = Client().post(LOGIN, {"username": user.username, "password": PASSWORD}, HTTP_X_REAL_IP="198.51.100.2")

    assert (paused.status_code, other.status_code) == (200, 302)


def test_it_throttles_the_admins_own_sign_in_page_too(client):
    user = clinician_user()
    user.is_staff = True
    user.save()
    fail(client, user.username, settings.LOGIN_FAILURE_LIMIT)

    response = sign_in(client, user.username, PASSWORD, url=reverse("admin:login"))

    assert response.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302  # still signed out


@pytest.mark.django_db(transaction=True)  # the async sign-in is tried from a thread of its own, which must see the user
def test_it_throttles_direct_and_async_authentication_too(client):
    user = clinician_user()
    fail(client, user.username, settings.LOGIN_FAILURE_LIMIT)

    assert authenticate(None, username=user.username, password=PASSWORD) is None
    assert (
        in_a_thread_without_an_event_loop(
            lambda: async_to_sync(aauthenticate)(None, username=user.username, password=PASSWORD)
        )
        is None
    )


def in_a_thread_without_an_event_loop(call: Callable[[], Any]) -> Any:
    """A browser test earlier in the same process leaves Playwright's event loop running on the main thread,
    where async_to_sync refuses to start; a thread of its own has none. Its database connection is closed after."""

    def run() -> Any:
        try:
            return call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def test_it_never_stores_what_was_typed_as_a_username(client):
    fail(client, "my-secret-password-typed-in-the-wrong-box", 1)

    stored = " ".join(f"{row.key} {row.scope}" for row in SignInThrottle.objects.all())
    assert SignInThrottle.objects.count() == 2  # the username and the address
    assert "secret" not in stored and "10.0.0.1" not in stored


def test_it_rotates_the_session_key_at_sign_in(client):
    user = clinician_user()
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key  # session fixation attempt

    assert sign_in(client, user.username, PASSWORD).status_code == 302

    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != planted.session_key
    assert not SessionStore().exists(planted.session_key)


def test_it_ends_the_session_at_sign_out_so_the_old_cookie_is_useless(client):
    user = clinician_user()
    sign_in(client, user.username, PASSWORD)
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert not SessionStore().exists(old_key)
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    assert replay.get(reverse("dashboard")).status_code == 302


def test_it_does_not_sign_out_on_a_get(client):
    client.force_login(clinician_user())

    assert client.get(reverse("logout")).status_code == 405
    assert signed_in(client)


def test_it_refuses_a_weak_password_in_the_admins_password_change(client, admin_user):
    user = clinician_user()
    client.force_login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[user.pk])

    for weak in ("password123", "short1!", "12345678901234", user.username + "2026"):
        response = client.post(url, {"password1": weak, "password2": weak, "usable_password": "true"})
        assert response.status_code == 200, weak
        assert response.context["form"].errors, weak

    assert get_user_model().objects.get(pk=user.pk).check_password(PASSWORD)
    strong = "granite-ferry-lantern-41"
    response = client.post(url, {"password1": strong, "password2": strong, "usable_password": "true"})
    assert response.status_code == 302
    assert get_user_model().objects.get(pk=user.pk).check_password(strong)
