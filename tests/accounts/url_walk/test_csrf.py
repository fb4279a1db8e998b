"""Without a CSRF token a POST to any URL is refused; with it, it gets through."""

import pytest
from django.test import Client

from tests.accounts.url_walk.rules import all_routes
from tests.accounts.url_walk.sampling import urls_of

pytestmark = pytest.mark.django_db


def test_no_view_is_exempt_from_csrf_checks():
    exempt = [str(route) for route in all_routes() if getattr(route.callback, "csrf_exempt", False)]
    assert not exempt


def test_every_url_refuses_a_post_without_a_csrf_token(world, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)  # a superuser: no permission check can answer before the CSRF check
    problems = []
    for route in all_routes():
        for url in urls_of(route, world):
            response = client.post(url, {"anything": "1"})
            if response.status_code != 403 or b"This form could not be accepted" not in response.content:
                problems.append(f"{url}: {response.status_code}")
    assert not problems, "POST without a CSRF token was not refused:\n" + "\n".join(problems)
    assert client.get("/").status_code == 200  # and the superuser was not signed out by any of it


def test_signing_in_and_out_need_the_csrf_token_too(world):
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 403
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(world["users"]["clinician"])
    assert signed_in.post("/accounts/logout/").status_code == 403
    assert signed_in.get("/").status_code == 200  # still signed in: a forged sign-out does nothing


def test_a_post_with_the_token_gets_through(world):
    """The control for the CSRF tests: the same client with the token is not refused."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["clinician"])  # a radiologist: may review scans
    client.get("/")
    token = client.cookies["csrftoken"].value

    response = client.post(f"/scans/{world['scan'].pk}/review/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    world["scan"].refresh_from_db()
    assert world["scan"].reviewed_at is not None
