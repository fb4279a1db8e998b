"""Urgent decisions between meetings and their ratification at the next MDT."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.choices import CaseStatus
from mdt.models import AgendaItem, Decision, Member
from mdt.services.decisions import (
    decision_amend,
    decision_record,
    decision_urgent_record,
)
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, team_user
from tests.mdt.decision_services.helpers import at_the_start_of, decision_input, messages_of, signed, sources

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- urgent decisions between meetings


@pytest.mark.parametrize("role", [Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON])
def test_it_lets_an_oncologist_or_a_spinal_surgeon_record_an_urgent_decision(role, oncologist, surgeon):
    case = CaseFactory(status=CaseStatus.IMAGING)
    user = oncologist if role == Member.Role.ONCOLOGIST else surgeon

    decision = decision_urgent_record(case_id=case.pk, user=user, data=decision_input(oncologist, surgeon))

    assert decision.urgent and decision.agenda_item is None and decision.ratified_at is None
    assert decision.recorded_by == user and decision.status == Decision.Status.AWAITING_SIGNOFF
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED


@pytest.mark.parametrize("role", [Member.Role.RADIOLOGIST, Member.Role.MDT_COORDINATOR, Member.Role.NURSE_SPECIALIST])
def test_it_refuses_an_urgent_decision_by_anyone_else(role, oncologist, surgeon):
    case = CaseFactory()

    with pytest.raises(PermissionDenied):
        decision_urgent_record(case_id=case.pk, user=team_user("other", role), data=decision_input(oncologist, surgeon))

    assert not Decision.objects.exists()


def test_it_lists_an_urgent_decision_for_ratification_until_a_meeting_decides_on_the_case(
    meeting, next_meeting, oncologist, surgeon
):
    case = CaseFactory(status=CaseStatus.IMAGING)
    urgent = decision_urgent_record(case_id=case.pk, user=surgeon, data=decision_input(oncologist, surgeon))

    assert sources(next_meeting)[case.pk] == [AgendaItem.Source.RATIFICATION]

    item = AgendaItemFactory(meeting=next_meeting, case=case, source=AgendaItem.Source.RATIFICATION)
    with at_the_start_of(next_meeting):
        meeting_decision = decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon))

    urgent.refresh_from_db()
    assert urgent.ratified_at is not None and urgent.ratified_by == meeting_decision
    starts = next_meeting.starts_at + dt.timedelta(days=7)
    after = MeetingFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=1), agenda_closes_at=starts)
    assert case.pk not in sources(after)


def test_it_still_lists_an_urgent_decision_amended_before_ratification(next_meeting, oncologist, surgeon):
    case = CaseFactory(status=CaseStatus.IMAGING)
    urgent = decision_urgent_record(case_id=case.pk, user=oncologist, data=decision_input(oncologist, surgeon))
    signed(urgent, oncologist, surgeon)

    decision_amend(decision_id=urgent.pk, user=oncologist, data=decision_input(oncologist, surgeon), reason="Dose")

    assert sources(next_meeting)[case.pk] == [AgendaItem.Source.RATIFICATION]


def test_it_needs_an_oncologist_and_a_surgeon_on_an_urgent_treatment_decision(oncologist):
    case = CaseFactory()

    with pytest.raises(ValidationError) as exc:
        decision_urgent_record(case_id=case.pk, user=oncologist, data=decision_input())

    assert "responsible" in messages_of(exc)
    assert not Decision.objects.exists()
