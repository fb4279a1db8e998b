"""Who recorded, signed and amended a decision, in the history."""

import datetime as dt

import pytest

from mdt.models import AgendaItem, Decision, FollowUp, SignOff
from mdt.services.decisions import (
    decision_amend,
    decision_record,
    signoff_respond,
)
from tests.mdt.decision_services.helpers import decision_input, follow_up, meeting_day, signed

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- history


def test_it_names_who_recorded_and_who_signed_in_the_history(decision, oncologist, surgeon):
    signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)
    signoff_respond(decision_id=decision.pk, user=surgeon, agree=True)

    rows = list(Decision.history.filter(id=decision.pk).order_by("history_date", "history_id"))
    assert [(r.history_type, r.history_user, r.status) for r in rows] == [
        ("+", oncologist, Decision.Status.AWAITING_SIGNOFF),
        ("~", surgeon, Decision.Status.SIGNED),  # the last response locked it
    ]
    surgeons = SignOff.objects.get(decision=decision, member=surgeon.member)
    signed_rows = SignOff.history.filter(id=surgeons.pk, history_type="~")
    assert [(r.history_user, r.response) for r in signed_rows] == [(surgeon, SignOff.Response.AGREE)]
    item_rows = AgendaItem.history.filter(id=decision.agenda_item_id, status=AgendaItem.Status.DISCUSSED)
    assert [r.history_user for r in item_rows] == [oncologist]


def test_it_names_the_recorder_in_the_history_of_the_sign_offs_and_follow_ups_it_creates(
    item, meeting, oncologist, surgeon
):
    due = meeting_day(meeting) + dt.timedelta(days=30)
    data = decision_input(oncologist, surgeon, follow_ups=[follow_up(surgeon, due)])

    decision = decision_record(item_id=item.pk, user=oncologist, data=data)

    created = SignOff.history.filter(decision_id=decision.pk, history_type="+")
    assert [row.history_user for row in created] == [oncologist, oncologist]
    assert [row.history_user for row in FollowUp.history.filter(history_type="+")] == [oncologist]


def test_it_records_an_amendment_in_the_history_with_who_and_why(decision, oncologist, surgeon):
    original = signed(decision, oncologist, surgeon)

    amendment = decision_amend(
        decision_id=original.pk, user=surgeon, data=decision_input(oncologist, surgeon), reason="Wrong level"
    )

    [superseded] = Decision.history.filter(id=original.pk, status=Decision.Status.SUPERSEDED)
    assert superseded.history_user == surgeon
    [created] = Decision.history.filter(id=amendment.pk, history_type="+")
    assert (created.history_user, created.amendment_reason) == (surgeon, "Wrong level")
