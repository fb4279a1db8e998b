"""The frozen clock, the case and the signed-in clients the score tests share."""

import pytest
import time_machine

from cases.choices import PrimarySite
from tests.cases.assessments.helpers import NOW, scorer
from tests.factories import (
    CaseFactory,
    PatientFactory,
)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case():
    return CaseFactory(patient=PatientFactory(primary_site=PrimarySite.BREAST))


@pytest.fixture
def scoring_client(client):
    client.force_login(scorer())
    return client
