"""Two workspace users for the stale-edit tests: `us`, who opened a form, and `them`, who saved first."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

STALE = "Someone else saved this record after you opened it, so your changes were not saved."


def superuser(username: str, first: str, last: str) -> Any:
    return get_user_model().objects.create_superuser(
        username, f"{username}@example.org", "pw", first_name=first, last_name=last
    )


@pytest.fixture
def us() -> Client:
    client = Client()
    client.force_login(superuser("carys", "Carys", "Evans"))
    return client


@pytest.fixture
def them() -> Client:
    client = Client()
    client.force_login(superuser("dai", "Dai", "Jones"))
    return client
