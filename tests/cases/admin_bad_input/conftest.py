"""A client signed in as a coordinator, for the workspace's bad input tests."""

import pytest

from tests.factories import coordinator


@pytest.fixture
def coordinator_client(client):
    client.force_login(coordinator())
    return client
