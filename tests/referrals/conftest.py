from typing import Any

import pytest

from tests.factories import coordinator_user, team_user
from tests.referrals import makers
from tests.reminders import conftest as reminder_fixtures


@pytest.fixture
def org(db: None) -> Any:
    return makers.organisation("Riverside General Hospital")


@pytest.fixture
def other_org(db: None) -> Any:
    return makers.organisation("Hillside Infirmary")


@pytest.fixture
def referrer(org: Any) -> Any:
    return makers.referrer_user("rpugh", org)


@pytest.fixture
def mscc(db: None) -> Any:
    """The MSCC coordinator on duty (coordinator role: triage, advice, accept)."""
    return team_user("mscc", "mscc_coordinator")


@pytest.fixture
def coordinator(db: None) -> Any:
    return coordinator_user("coord")


@pytest.fixture
def surgeon(db: None) -> Any:
    return team_user("surgeon", "spinal_surgeon")


eager = reminder_fixtures.eager
