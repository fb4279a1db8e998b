"""The clinicians, the agenda and the recorded decisions the decision page tests share."""

import pytest

from mdt.models import Member
from mdt.services.decisions import decision_record, signoff_respond
from tests.mdt.decision_pages.helpers import named, service_input, todays_meeting


@pytest.fixture
def oncologist():
    return named("oncologist", Member.Role.ONCOLOGIST, "Olwen", "Pryce")


@pytest.fixture
def surgeon():
    return named("surgeon", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")


@pytest.fixture
def coordinator():
    return named("coordinator", Member.Role.MDT_COORDINATOR, "Carys", "Hughes")


@pytest.fixture
def agenda():
    return todays_meeting()


@pytest.fixture
def recorded(agenda, oncologist, surgeon):
    _, items = agenda
    return decision_record(item_id=items[0].pk, user=oncologist, data=service_input(oncologist, surgeon))


@pytest.fixture
def locked(recorded, oncologist, surgeon):
    for user in (oncologist, surgeon):
        signoff_respond(decision_id=recorded.pk, user=user, agree=True)
    recorded.refresh_from_db()
    return recorded
