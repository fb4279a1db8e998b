"""Meeting reminders: the agenda before it, outcomes and sign-offs still missing after it."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from mdt.models import AgendaItem, Decision, Meeting, Member, SignOff
from mdt.selectors import meeting_agenda
from reminders.kinds.base import RECIPIENT, Kind, Run, Selection, local, mrn_of
from reminders.models import Reminder

AGENDA = Reminder.Kind.MEETING_AGENDA
OUTCOME = Reminder.Kind.OUTCOME_NOT_RECORDED
SIGN_OFF = Reminder.Kind.DECISION_NOT_SIGNED

# There is no invitation list: every active team member is expected at the MDT (all the
# clinical roles and both coordinator roles).
EXPECTED_ROLES = tuple(Member.Role.values)
# The outcome reminder's recipients when the meeting has no chair (or one who has left), and the sign-off
# reminder's when the clinician named to sign has left (someone must name another: HAZ-175).
OUTCOME_FALLBACK = (Member.Role.MDT_COORDINATOR,)
SIGNER_LEFT_FALLBACK = (Member.Role.MDT_COORDINATOR,)


def agenda_open(now: dt.datetime) -> Q:
    """Until the meeting starts (or is cancelled, or moved to another status)."""
    return Q(status=Meeting.Status.SCHEDULED, starts_at__gt=now)


def derive_agenda(run: Run) -> Iterator[Selection]:
    """Meetings starting within the next REMINDER_AGENDA_HOURS_BEFORE with no agenda reminder yet, to every
    active member. Uses the partial unique index on Meeting.starts_at (meeting_one_live_per_start)."""
    before = dt.timedelta(hours=settings.REMINDER_AGENDA_HOURS_BEFORE)
    reminded = Reminder.objects.filter(meeting=OuterRef("pk"), kind=AGENDA)
    meetings = Meeting.objects.filter(agenda_open(run.now), starts_at__lte=run.now + before).filter(~Exists(reminded))
    yield Selection(
        AGENDA,
        meetings,
        {"meeting": F("pk"), "due_at": F("starts_at") - before},
        ("meeting-agenda:", F("pk"), ":", RECIPIENT),
        roles=EXPECTED_ROLES,
    )


def agenda_context(reminder: Reminder) -> dict[str, Any]:
    """The cases not yet ready, by MRN, with what each lacks (mdt.agenda.readiness decides)."""
    assert reminder.meeting_id is not None
    agenda = meeting_agenda(meeting_id=reminder.meeting_id)
    not_ready = [
        {"mrn": block.item.case.patient.mrn, "missing": [check.reason for check in block.readiness.missing]}
        for block in agenda.blocks
        if not block.readiness.ready
    ]
    meeting = agenda.meeting
    return {
        "meeting_title": meeting.title,
        "starts_at": local(meeting.starts_at),
        "location": meeting.location,
        "video_link": meeting.video_link,
        "case_count": len(agenda.blocks),
        "not_ready": not_ready,
    }


def meeting_path(reminder: Reminder) -> str:
    return reverse("meeting-detail", args=[reminder.meeting_id]) if reminder.meeting_id else reverse("meeting-list")


def outcome_open(now: dt.datetime) -> Q:
    """Still listed (no outcome recorded) on a meeting that was not cancelled."""
    return Q(status=AgendaItem.Status.LISTED) & ~Q(meeting__status=Meeting.Status.CANCELLED)


def derive_outcome(run: Run) -> Iterator[Reminder]:
    """Items still "listed" REMINDER_OUTCOME_HOURS after their meeting ended.

    To the meeting's chair; with none (or one who has left), the MDT coordinators.
    """
    after = dt.timedelta(hours=settings.REMINDER_OUTCOME_HOURS)
    reminded = Reminder.objects.filter(agenda_item=OuterRef("pk"), kind=OUTCOME)
    items = (
        AgendaItem.objects.filter(outcome_open(run.now), meeting__ends_at__lte=run.now - after)
        .filter(~Exists(reminded))
        .order_by()
        .values_list(
            "pk",
            "case_id",
            "meeting_id",
            "meeting__ends_at",
            "meeting__chair__user_id",
            "meeting__chair__active",
            "meeting__chair__user__is_active",
        )
    )
    for item_id, case_id, meeting_id, ends_at, chair_id, chair_active, chair_user_active in items:
        for user_id in run.person_or(chair_id, chair_active and chair_user_active, *OUTCOME_FALLBACK):
            yield run.new(
                OUTCOME,
                recipient_id=user_id,
                due_at=ends_at + after,
                key=f"outcome-not-recorded:{item_id}:{user_id}",
                agenda_item_id=item_id,
                meeting_id=meeting_id,
                case_id=case_id,
            )


def outcome_context(reminder: Reminder) -> dict[str, Any]:
    item = reminder.agenda_item
    assert item is not None
    return {"mrn": mrn_of(reminder), "meeting_starts_at": local(item.meeting.starts_at)}


def outcome_path(reminder: Reminder) -> str:
    item = reminder.agenda_item
    if item is None:
        return meeting_path(reminder)
    return reverse("item-decision", args=[item.meeting_id, item.pk])


def sign_off_open(now: dt.datetime) -> Q:
    """Not yet answered, on a decision still awaiting sign-off."""
    return Q(response=SignOff.Response.PENDING, decision__status=Decision.Status.AWAITING_SIGNOFF)


def derive_sign_off(run: Run) -> Iterator[Selection | Reminder]:
    """Sign-offs still pending REMINDER_SIGNOFF_HOURS after the decision, to the member still to sign while
    active (uses signoff_pending_idx); a member who has left cannot sign, so theirs goes to the MDT
    coordinators (the last resort when there are none), to name another clinician in their place."""
    after = dt.timedelta(hours=settings.REMINDER_SIGNOFF_HOURS)
    due = SignOff.objects.filter(sign_off_open(run.now), decision__decided_at__lte=run.now - after)
    reminded = Reminder.objects.filter(sign_off=OuterRef("pk"), kind=SIGN_OFF)
    yield Selection(
        SIGN_OFF,
        due.filter(member__active=True, member__user__is_active=True).filter(~Exists(reminded)),
        {"sign_off": F("pk"), "decision": F("decision"), "due_at": F("decision__decided_at") + after},
        ("decision-not-signed:", F("pk"), ":", RECIPIENT),
        case="decision__case",
        recipient="member__user",
    )
    # The few whose signer left: not yet reminded to anyone but the signer (reminded before they left).
    passed_on = reminded.exclude(recipient=OuterRef("member__user"))
    left = due.filter(Q(member__active=False) | Q(member__user__is_active=False)).filter(~Exists(passed_on))
    for sign_off_id, decision_id, case_id, decided_at in left.values_list(
        "pk", "decision_id", "decision__case_id", "decision__decided_at"
    ):
        for user_id in run.users_with_roles(*SIGNER_LEFT_FALLBACK):
            yield run.new(
                SIGN_OFF,
                recipient_id=user_id,
                due_at=decided_at + after,
                key=f"decision-not-signed:{sign_off_id}:{user_id}",
                sign_off_id=sign_off_id,
                decision_id=decision_id,
                case_id=case_id,
            )


def sign_off_context(reminder: Reminder) -> dict[str, Any]:
    """`signer_left`: the name of the clinician named to sign, when the reminder is not to them (they left
    the team: the recipient names another clinician in their place)."""
    decision = reminder.decision
    decided_at = decision.decided_at if decision else timezone.now()
    sign_off = reminder.sign_off
    signer = sign_off.member if sign_off is not None else None
    left = signer.display_name if signer is not None and signer.user_id != reminder.recipient_id else ""
    return {"mrn": mrn_of(reminder), "decided_at": local(decided_at), "signer_left": left}


def decision_path(reminder: Reminder) -> str:
    if reminder.decision_id:
        return reverse("decision-detail", args=[reminder.decision_id])
    return reverse("dashboard")


KINDS = (
    Kind(AGENDA, "meeting", derive_agenda, agenda_open, agenda_context, meeting_path, (EXPECTED_ROLES,)),
    Kind(OUTCOME, "agenda_item", derive_outcome, outcome_open, outcome_context, outcome_path, (OUTCOME_FALLBACK,)),
    Kind(
        SIGN_OFF, "sign_off", derive_sign_off, sign_off_open, sign_off_context, decision_path, (SIGNER_LEFT_FALLBACK,)
    ),
)
