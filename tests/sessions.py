"""Signing in through the real sign-in page, and a session left idle past its limit, for the tests of session
limits and of work kept across them (the frozen clock they move on is the `clock` fixture, tests/conftest.py)."""

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

# The instant the `clock` fixture holds still at.
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def sign_in(client: Any, user: Any) -> None:
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302


def idle(clock: Any) -> None:
    """Twenty minutes with no request: past the 15-minute idle limit."""
    clock.move_to(timezone.now() + dt.timedelta(minutes=20))
