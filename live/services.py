"""Writes for the live meeting: start, step through the agenda, record the outcome, check in, end.

Every function locks the meeting's `LiveSession` row, so two people driving at once act one after
the other; asks `accounts.policy` who may act; refuses a step or an outcome sent from a screen that
shows another case than the shared one (`from_item_id`), so nobody moves on from, or records an
outcome for, a case the room is not looking at; and raises the session's `version`, which the
followers' screens poll for. Outcomes go through mdt's decision services, the same as the outcome
page: this module adds the live checks around them, never a second way to write a decision.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import policy
from core.history import save_as
from live.models import CaseTiming, CheckIn, LiveSession, StandardOfCare
from mdt.models import AgendaItem, Attendance, Decision, Meeting
from mdt.services import agenda as agenda_services
from mdt.services import decisions as decision_services

# A live meeting opens at most this long before its start (the room gathers; the clocks begin).
OPENS_BEFORE = dt.timedelta(hours=1)
STEPS = ("next", "back", "jump")


def _require_driver(user: Any, meeting: Meeting) -> None:
    if not policy.can_drive_meeting(user, meeting.chair_id):
        raise PermissionDenied("Only a coordinator or the meeting's chair drives the live screen.")


def _locked_session(meeting_id: int) -> LiveSession:
    session = LiveSession.objects.select_for_update().select_related("meeting").filter(meeting_id=meeting_id).first()
    if session is None:
        raise ValidationError({"meeting": "This meeting has not been started live yet."})
    if session.ended:
        raise ValidationError({"meeting": "This live meeting has ended."})
    return session


def _moved_on(session: LiveSession, from_item_id: int | None) -> None:
    """Refuse an action taken on a screen that showed another case than the shared screen does now."""
    if from_item_id != session.current_item_id:
        raise ValidationError(
            {
                "item": "The meeting moved to another case since your screen was loaded: nothing was changed. "
                "Check the case now on the screen and try again."
            }
        )


def _bump(user: Any, session: LiveSession, fields: list[str]) -> None:
    session.version += 1
    save_as(user, session, update_fields=[*fields, "version", "updated_at"])


def _open_timing(session: LiveSession, item_id: int, user: Any, at: dt.datetime) -> None:
    CaseTiming.objects.create(meeting_id=session.meeting_id, item_id=item_id, started_at=at, started_by=user)


def _close_timing(session: LiveSession, at: dt.datetime) -> None:
    CaseTiming.objects.filter(meeting_id=session.meeting_id, ended_at__isnull=True).update(ended_at=at)


def _order(meeting_id: int, keep: int | None, *, discussed_only: bool = False) -> list[int]:
    """The agenda's order (position, id): the listed items, and `keep` (the current one) even if withdrawn.
    `discussed_only`: without the cases listed as standard of care (Next and Back pass over them)."""
    items = AgendaItem.objects.filter(meeting_id=meeting_id).exclude(status=AgendaItem.Status.WITHDRAWN)
    if discussed_only:
        standard = StandardOfCare.objects.filter(item__meeting_id=meeting_id, withdrawn_at__isnull=True)
        items = items.exclude(pk__in=standard.values("item_id"))
    if keep is not None:
        items = items | AgendaItem.objects.filter(pk=keep)
    return list(items.order_by("position", "id").values_list("pk", flat=True))


@transaction.atomic
def live_start(*, meeting_id: int, user: Any, now: dt.datetime | None = None) -> LiveSession:
    """Open the shared screen on the first case of the agenda (starting again once started changes nothing)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    _require_driver(user, meeting)
    existing = LiveSession.objects.filter(meeting=meeting).first()
    if existing is not None:
        if existing.ended:
            raise ValidationError({"meeting": "This live meeting has ended."})
        return existing
    now = now or timezone.now()
    if meeting.status in (Meeting.Status.CANCELLED, Meeting.Status.CONCLUDED):
        raise ValidationError({"meeting": f"This meeting is {meeting.get_status_display().lower()}."})
    if now < meeting.starts_at - OPENS_BEFORE:
        opens = timezone.localtime(meeting.starts_at - OPENS_BEFORE)
        raise ValidationError(
            {"meeting": f"The live screen opens an hour before the meeting, at {opens:%H:%M on %d %b}."}
        )
    order = _order(meeting.pk, None, discussed_only=True) or _order(meeting.pk, None)
    if not order:
        raise ValidationError({"meeting": "The agenda has no case: add cases before starting the meeting."})
    session = LiveSession(meeting=meeting, current_item_id=order[0], started_at=now, started_by=user)
    save_as(user, session)
    _open_timing(session, order[0], user, now)
    if meeting.status == Meeting.Status.SCHEDULED:
        meeting.status = Meeting.Status.IN_PROGRESS
        save_as(user, meeting, update_fields=["status", "updated_at"])
    return session


def _target(order: list[int], current: int | None, action: str, to_item_id: int | None) -> int:
    if action not in STEPS:
        raise ValidationError({"action": "Choose next, back or a case to jump to."})
    if action == "jump":
        if to_item_id not in order:
            raise ValidationError({"item": "Choose a case listed on this meeting's agenda."})
        return int(to_item_id)
    index = order.index(current) if current in order else -1
    wanted = index + 1 if action == "next" else index - 1
    if not 0 <= wanted < len(order):
        raise ValidationError({"action": "This is the last case." if action == "next" else "This is the first case."})
    return order[wanted]


@transaction.atomic
def live_step(
    *, meeting_id: int, user: Any, action: str, from_item_id: int | None, to_item_id: int | None = None
) -> LiveSession:
    """Next, back, or jump to a case: the shared screen and every follower move to it; its clock starts."""
    session = _locked_session(meeting_id)
    _require_driver(user, session.meeting)
    _moved_on(session, from_item_id)
    order = _order(meeting_id, session.current_item_id, discussed_only=action != "jump")
    target = _target(order, session.current_item_id, action, to_item_id)
    if target == session.current_item_id:
        return session
    now = timezone.now()
    _close_timing(session, now)
    _open_timing(session, target, user, now)
    session.current_item_id = target
    session.phase = LiveSession.Phase.DISCUSSING
    _bump(user, session, ["current_item", "phase"])
    return session


@transaction.atomic
def live_recording(*, meeting_id: int, user: Any, from_item_id: int | None) -> LiveSession:
    """The driver opens the outcome form: every follower sees "outcome being recorded" for this case."""
    session = _locked_session(meeting_id)
    _require_driver(user, session.meeting)
    if not policy.can_record_decision(user):
        raise PermissionDenied("Only members of the MDT record outcomes.")
    _moved_on(session, from_item_id)
    if session.phase != LiveSession.Phase.RECORDING:
        session.phase = LiveSession.Phase.RECORDING
        _bump(user, session, ["phase"])
    return session


@transaction.atomic
def live_record_decision(
    *,
    meeting_id: int,
    user: Any,
    from_item_id: int | None,
    data: decision_services.DecisionInput,
    loaded_version: int | None,
) -> Decision:
    """The outcome of the case on the screen, through mdt's decision service; then the result is shown to all."""
    session = _locked_session(meeting_id)
    _require_driver(user, session.meeting)
    _moved_on(session, from_item_id)
    assert session.current_item_id is not None  # _moved_on: from_item_id is the (set) current item
    decision = decision_services.decision_record(
        item_id=session.current_item_id, user=user, data=data, loaded_version=loaded_version
    )
    session.phase = LiveSession.Phase.DISCUSSING
    _bump(user, session, ["phase"])
    return decision


@transaction.atomic
def live_record_item_outcome(
    *, meeting_id: int, user: Any, from_item_id: int | None, status: str, reason: str
) -> AgendaItem:
    """Not discussed (carried forward) or withdrawn, through mdt's decision service, for the case on the screen."""
    session = _locked_session(meeting_id)
    _require_driver(user, session.meeting)
    _moved_on(session, from_item_id)
    assert session.current_item_id is not None
    item = decision_services.agenda_item_outcome(
        item_id=session.current_item_id, user=user, status=status, reason=reason
    )
    session.phase = LiveSession.Phase.DISCUSSING
    _bump(user, session, ["phase"])
    return item


@transaction.atomic
def live_cancel_recording(*, meeting_id: int, user: Any) -> LiveSession:
    """Back from the outcome form without saving: the followers see the discussion again."""
    session = _locked_session(meeting_id)
    _require_driver(user, session.meeting)
    if session.phase == LiveSession.Phase.RECORDING:
        session.phase = LiveSession.Phase.DISCUSSING
        _bump(user, session, ["phase"])
    return session


@transaction.atomic
def live_end(*, meeting_id: int, user: Any) -> LiveSession:
    """End the live meeting: the last case's clock stops, followers are told, the meeting is concluded."""
    session = _locked_session(meeting_id)
    _require_driver(user, session.meeting)
    now = timezone.now()
    _close_timing(session, now)
    session.ended_at = now
    session.phase = LiveSession.Phase.DISCUSSING
    _bump(user, session, ["ended_at", "phase"])
    meeting = session.meeting
    if meeting.status == Meeting.Status.IN_PROGRESS:
        meeting.status = Meeting.Status.CONCLUDED
        save_as(user, meeting, update_fields=["status", "updated_at"])
    return session


@transaction.atomic
def live_check_in(*, meeting_id: int, user: Any) -> CheckIn:
    """An attendee marks themselves present; it counts for the quorum once a coordinator confirms it."""
    if not policy.can_check_in(user):
        raise PermissionDenied("Only active members of the MDT mark themselves present.")
    session = _locked_session(meeting_id)
    member = policy.member_of(user)
    check_in, created = CheckIn.objects.get_or_create(meeting_id=meeting_id, member=member)
    if created:
        _bump(user, session, [])
    return check_in


@transaction.atomic
def live_confirm(*, meeting_id: int, user: Any, member_id: int, present: bool = True) -> CheckIn:
    """A coordinator confirms an attendee's check-in (or records them absent): the attendance is recorded
    through mdt's attendance service, so the quorum rule is the meeting page's."""
    if not policy.can_drive_any_meeting(user):
        raise PermissionDenied("Only an MDT or MSCC coordinator confirms who is present.")
    session = _locked_session(meeting_id)
    check_in = CheckIn.objects.select_for_update().filter(meeting_id=meeting_id, member_id=member_id).first()
    if check_in is None:
        raise ValidationError({"member": "This person has not marked themselves present."})
    # The attendance service's lock, taken before reading who is present: nothing recorded in between is undone.
    Meeting.objects.select_for_update().filter(pk=meeting_id).first()
    present_ids = set(
        Attendance.objects.filter(meeting_id=meeting_id, present=True).values_list("member_id", flat=True)
    )
    present_ids = present_ids | {member_id} if present else present_ids - {member_id}
    agenda_services.attendance_record(meeting_id=meeting_id, user=user, present_member_ids=present_ids)
    check_in.confirmed_at = timezone.now()
    check_in.confirmed_by = user
    save_as(user, check_in, update_fields=["confirmed_at", "confirmed_by"])
    _bump(user, session, [])
    return check_in
