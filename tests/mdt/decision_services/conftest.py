"""The clinicians, meetings, agenda items and decisions the decision service tests share."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.choices import CaseStatus
from mdt.models import Meeting, Member
from mdt.services.decisions import (
    decision_record,
)
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, team_user
from tests.mdt.decision_services.helpers import decision_input


@pytest.fixture
def oncologist():
    return team_user("oncologist", Member.Role.ONCOLOGIST)


@pytest.fixture
def surgeon():
    return team_user("surgeon", Member.Role.SPINAL_SURGEON)


@pytest.fixture
def radiologist():
    return team_user("radiologist", Member.Role.RADIOLOGIST)


@pytest.fixture
def coordinator():
    return team_user("coordinator", Member.Role.MDT_COORDINATOR)


@pytest.fixture
def meeting():
    """Today's meeting, under way."""
    starts = timezone.now() - dt.timedelta(minutes=1)
    return MeetingFactory(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        agenda_closes_at=starts - dt.timedelta(days=2),
        status=Meeting.Status.IN_PROGRESS,
    )


@pytest.fixture
def next_meeting(meeting):
    starts = meeting.starts_at + dt.timedelta(days=7)
    return MeetingFactory(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), agenda_closes_at=starts - dt.timedelta(days=2)
    )


@pytest.fixture
def item(meeting):
    return AgendaItemFactory(meeting=meeting, case=CaseFactory(status=CaseStatus.AWAITING_MDT))


@pytest.fixture
def decision(item, oncologist, surgeon):
    return decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon))
