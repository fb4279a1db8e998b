"""Items not discussed or withdrawn, and the follow-ups a decision asks for."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cases.choices import CaseStatus
from mdt.models import AgendaItem, Decision, FollowUp
from mdt.services.decisions import (
    agenda_item_outcome,
    decision_record,
)
from mdt.services.follow_ups import follow_up_complete
from tests.factories import AgendaItemFactory, CaseFactory, read_only_user
from tests.mdt.decision_services.helpers import (
    at_the_start_of,
    decision_input,
    follow_up,
    meeting_day,
    messages_of,
    sources,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- item outcomes


def test_it_carries_a_case_not_discussed_forward_to_the_next_meetings_candidates(item, next_meeting, oncologist):
    agenda_item_outcome(item_id=item.pk, user=oncologist, status=AgendaItem.Status.NOT_DISCUSSED)

    item.refresh_from_db()
    assert item.status == AgendaItem.Status.NOT_DISCUSSED
    assert AgendaItem.Source.CARRIED_FORWARD in sources(next_meeting)[item.case_id]


def test_it_needs_a_reason_to_withdraw_a_case(item, oncologist, surgeon):
    with pytest.raises(ValidationError) as exc:
        agenda_item_outcome(item_id=item.pk, user=oncologist, status=AgendaItem.Status.WITHDRAWN, reason="  ")
    assert messages_of(exc) == {"reason": ["Give the reason for withdrawing the case."]}
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.LISTED

    agenda_item_outcome(item_id=item.pk, user=oncologist, status=AgendaItem.Status.WITHDRAWN, reason="Patient died")

    item.refresh_from_db()
    assert (item.status, item.outcome_reason) == (AgendaItem.Status.WITHDRAWN, "Patient died")
    with pytest.raises(ValidationError):
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon))
    assert not Decision.objects.exists()


def test_it_refuses_marking_an_item_with_a_decision_not_discussed(decision, item, oncologist):
    with pytest.raises(ValidationError) as exc:
        agenda_item_outcome(item_id=item.pk, user=oncologist, status=AgendaItem.Status.NOT_DISCUSSED)

    assert "amend the decision instead" in messages_of(exc)["status"][0]
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.DISCUSSED


def test_it_lets_only_members_of_the_mdt_record_item_outcomes(item):
    with pytest.raises(PermissionDenied):
        agenda_item_outcome(item_id=item.pk, user=read_only_user(), status=AgendaItem.Status.NOT_DISCUSSED)


# --------------------------------------------------------------------------- follow-ups


def test_it_creates_the_follow_ups_the_decision_asks_for(item, meeting, oncologist, surgeon):
    due = meeting_day(meeting) + dt.timedelta(weeks=6)
    data = decision_input(
        oncologist,
        surgeon,
        follow_ups=[follow_up(oncologist, due), follow_up(surgeon, due, kind=FollowUp.Kind.CLINIC_REVIEW)],
    )

    decision = decision_record(item_id=item.pk, user=oncologist, data=data)

    assert [(f.kind, f.due_on, f.owner.user, f.case) for f in decision.follow_ups.order_by("id")] == [
        (FollowUp.Kind.REPEAT_MRI, due, oncologist, item.case),
        (FollowUp.Kind.CLINIC_REVIEW, due, surgeon, item.case),
    ]


def test_it_refuses_a_follow_up_due_before_the_meeting(item, meeting, oncologist, surgeon):
    fine = follow_up(oncologist, meeting_day(meeting) + dt.timedelta(weeks=6))
    early = follow_up(surgeon, meeting_day(meeting) - dt.timedelta(days=3), kind=FollowUp.Kind.STEROID_REVIEW)

    with pytest.raises(ValidationError) as exc:
        decision_record(
            item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, follow_ups=[fine, early])
        )

    [message] = messages_of(exc)["follow_ups"]
    assert message.startswith("Follow-up 2: ")
    assert not Decision.objects.exists() and not FollowUp.objects.exists()
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.LISTED


def test_it_refuses_a_follow_up_without_a_known_owner(item, meeting, oncologist, surgeon):
    entry = {**follow_up(oncologist, meeting_day(meeting) + dt.timedelta(days=30)), "owner_id": 987654}

    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, follow_ups=[entry]))

    assert messages_of(exc)["follow_ups"] == ["Follow-up 1: choose who owns it."]
    assert not Decision.objects.exists()


@pytest.mark.hazard("HAZ-028")
def test_it_brings_the_case_back_when_a_follow_up_asking_for_rediscussion_is_due(
    item, meeting, next_meeting, oncologist, surgeon
):
    due_by_next = follow_up(oncologist, meeting_day(next_meeting) - dt.timedelta(days=1), rediscuss=True)
    decision_record(
        item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, follow_ups=[due_by_next])
    )
    later_case = AgendaItemFactory(meeting=meeting, case=CaseFactory(status=CaseStatus.AWAITING_MDT)).case
    later = follow_up(oncologist, meeting_day(next_meeting) + dt.timedelta(days=14), rediscuss=True)
    not_back = follow_up(oncologist, meeting_day(next_meeting) - dt.timedelta(days=1))
    later_item = later_case.agenda_items.get()
    decision_record(
        item_id=later_item.pk, user=oncologist, data=decision_input(oncologist, surgeon, follow_ups=[later, not_back])
    )

    found = sources(next_meeting)

    assert found[item.case_id] == [AgendaItem.Source.FOLLOW_UP]
    assert later_case.pk not in found


def test_it_completes_the_follow_ups_that_asked_for_rediscussion_when_the_case_is_discussed(
    item, meeting, next_meeting, oncologist, surgeon
):
    due = meeting_day(next_meeting)
    decision_record(
        item_id=item.pk,
        user=oncologist,
        data=decision_input(oncologist, surgeon, follow_ups=[follow_up(surgeon, due, rediscuss=True)]),
    )
    back = AgendaItemFactory(meeting=next_meeting, case=item.case, source=AgendaItem.Source.FOLLOW_UP)

    with at_the_start_of(next_meeting):
        decision_record(item_id=back.pk, user=surgeon, data=decision_input(oncologist, surgeon))

    asked = FollowUp.objects.get(rediscuss=True)
    assert asked.completed_at is not None and asked.completed_by == surgeon


@pytest.fixture
def open_follow_up(item, meeting, oncologist, surgeon):
    due = meeting_day(meeting) + dt.timedelta(days=30)
    decision = decision_record(
        item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, follow_ups=[follow_up(surgeon, due)])
    )
    return decision.follow_ups.get()


def test_it_lets_the_owner_complete_a_follow_up_once(open_follow_up, surgeon):
    done = follow_up_complete(follow_up_id=open_follow_up.pk, user=surgeon, outcome="Seen in clinic: stable.")

    assert done.completed_at is not None and done.completed_by == surgeon
    with pytest.raises(ValidationError):
        follow_up_complete(follow_up_id=open_follow_up.pk, user=surgeon, outcome="Seen in clinic: stable.")


def test_it_lets_a_coordinator_complete_a_follow_up(open_follow_up, coordinator):
    done = follow_up_complete(follow_up_id=open_follow_up.pk, user=coordinator, outcome="Seen in clinic.")

    assert done.completed_by == coordinator


def test_it_refuses_completing_a_follow_up_to_anyone_else(open_follow_up, oncologist, radiologist):
    for user in (oncologist, radiologist, read_only_user()):
        with pytest.raises(PermissionDenied):
            follow_up_complete(follow_up_id=open_follow_up.pk, user=user, outcome="Seen.")

    open_follow_up.refresh_from_db()
    assert open_follow_up.completed_at is None
