"""Shared by the decision service tests: the meeting's times, the decision's input, follow-ups and error messages."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from mdt.candidates import agenda_candidates
from mdt.models import Decision, FollowUp
from mdt.services.decisions import (
    DecisionInput,
    signoff_respond,
)


def at_the_start_of(meeting) -> time_machine.travel:
    """Outcomes are recorded from the start of their meeting: be there."""
    return time_machine.travel(meeting.starts_at + dt.timedelta(minutes=1), tick=False)


def meeting_day(meeting) -> dt.date:
    return timezone.localtime(meeting.starts_at).date()


def decision_input(
    *users, treatments=("cebrt",), no_treatment=False, rationale="Radiosensitive primary, stable spine.", follow_ups=()
) -> DecisionInput:
    return DecisionInput(
        treatments=list(treatments),
        no_treatment=no_treatment,
        intent="palliative",
        rationale=rationale,
        patient_preferences_considered=True,
        patient_preferences_note="Wants to stay at home if possible.",
        responsible_member_ids=[user.member.pk for user in users],
        follow_ups=list(follow_ups),
    )


def follow_up(owner, due_on: dt.date, kind: str = FollowUp.Kind.REPEAT_MRI, rediscuss: bool = False) -> dict:
    return {"kind": kind, "due_on": due_on, "owner_id": owner.member.pk, "rediscuss": rediscuss, "note": ""}


def sources(meeting) -> dict[int, list[str]]:
    return {candidate.case.pk: candidate.sources for candidate in agenda_candidates(meeting=meeting)}


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def signed(decision, *users) -> Decision:
    for user in users:
        signoff_respond(decision_id=decision.pk, user=user, agree=True)
    decision.refresh_from_db()
    return decision
