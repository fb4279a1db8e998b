"""The radiologist and the meeting the agenda page tests share."""

import pytest

from mdt.models import Member
from tests.factories import (
    MeetingFactory,
    clinician,
)


@pytest.fixture
def radiologist():
    return clinician("radiologist", Member.Role.RADIOLOGIST)


@pytest.fixture
def meeting():
    return MeetingFactory()
