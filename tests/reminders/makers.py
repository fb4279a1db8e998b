"""Small builders for the objects reminders are about (the decisions models have no factories yet)."""

import datetime as dt
from typing import Any

from django.utils import timezone

from cases.models import Case, Scan
from mdt.models import AgendaItem, Decision, FollowUp, Meeting, SignOff
from tests.factories import CaseFactory, ScanFactory

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def performed_scan(performed_ago: dt.timedelta, **case_fields: Any) -> Scan:
    """A whole-spine MRI performed `performed_ago`, not reviewed."""
    performed_at = timezone.now() - performed_ago
    case = CaseFactory(**case_fields)
    return ScanFactory(case=case, requested_at=performed_at - 2 * HOUR, performed_at=performed_at)


def meeting(starts_at: dt.datetime, **fields: Any) -> Meeting:
    """A meeting at any time, past ones included (Meeting.clean refuses the past; the ORM does not)."""
    return Meeting.objects.create(
        starts_at=starts_at,
        ends_at=starts_at + 2 * HOUR,
        agenda_closes_at=starts_at - DAY,
        location="Seminar room 2",
        **fields,
    )


def listed_item(on: Meeting, case: Case | None = None, **fields: Any) -> AgendaItem:
    fields.setdefault("question", "Surgery first?")
    return AgendaItem.objects.create(meeting=on, case=case or CaseFactory(), **fields)


def decision_awaiting(member_users: list[Any], decided_at: dt.datetime, case: Case | None = None) -> Decision:
    """An urgent decision awaiting sign-off by each user's team member."""
    case = case or CaseFactory()
    decision = Decision.objects.create(
        case=case,
        urgent=True,
        treatments=["cebrt"],
        intent="palliative",
        rationale="Canary rationale text",
        decided_at=decided_at,
        recorded_by=member_users[0],
    )
    for user in member_users:
        SignOff.objects.create(decision=decision, member=user.member)
    return decision


def follow_up(owner: Any, due_on: dt.date, case: Case | None = None, **fields: Any) -> FollowUp:
    return FollowUp.objects.create(
        case=case or CaseFactory(),
        kind="clinic_review",
        due_on=due_on,
        owner=owner.member,
        note="Canary note",
        **fields,
    )
