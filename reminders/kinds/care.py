"""Care reminders: follow-ups due soon and overdue, steroids still active after treatment started."""

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from cases.models import Case
from cases.steroids import ON_STEROIDS
from core.timezones import add_local_days, local_datetime
from mdt.models import FollowUp, Member
from mdt.models.decisions import FOLLOW_UP_OPEN
from reminders.kinds.base import Kind, Run, local, mrn_of
from reminders.kinds.mri import case_path
from reminders.models import Reminder

DUE_SOON = Reminder.Kind.FOLLOW_UP_DUE_SOON
OVERDUE = Reminder.Kind.FOLLOW_UP_OVERDUE
STEROIDS = Reminder.Kind.STEROIDS_ACTIVE

# A day-unit interval can be an hour longer or shorter across a clock change: the database
# narrows with this much slack and Python decides exactly.
DST_SLACK = dt.timedelta(hours=1)


# Who a follow-up's reminder goes to once its owner has left; a steroid reminder with no responsible clinician.
FOLLOW_UP_FALLBACK = (Member.Role.MDT_COORDINATOR,)
STEROIDS_FALLBACK = (Member.Role.MSCC_COORDINATOR,)


def _owners(run: Run, owner_user_id: int, owner_active: bool) -> list[int]:
    """The follow-up's owner; if they have left the team, the MDT coordinators, so it is not lost."""
    return run.person_or(owner_user_id, owner_active, *FOLLOW_UP_FALLBACK)


def overdue_open(now: dt.datetime) -> Q:
    """Neither completed nor cancelled."""
    return FOLLOW_UP_OPEN


def due_soon_open(now: dt.datetime) -> Q:
    """Open and not yet past its day: from then on the overdue reminder takes over."""
    return overdue_open(now) & Q(due_on__gte=timezone.localdate(now))


def _open_follow_ups(run: Run, kind: str, still_open: Q) -> Any:
    """Open follow-ups with no reminder of `kind` yet (uses followup_open_due_idx)."""
    reminded = Reminder.objects.filter(follow_up=OuterRef("pk"), kind=kind)
    return (
        FollowUp.objects.filter(still_open)
        .filter(~Exists(reminded))
        .order_by()
        .values_list("pk", "case_id", "due_on", "owner__user_id", "owner__active", "owner__user__is_active")
    )


def _follow_up_reminders(
    run: Run, kind: str, rows: Any, key: str, due_at: Callable[[dt.date], dt.datetime]
) -> Iterator[Reminder]:
    """One reminder per follow-up row and recipient, once its morning (`due_at(due_on)`) has come."""
    for follow_up_id, case_id, due_on, owner_id, owner_active, user_active in rows:
        at = due_at(due_on)
        if at > run.now:
            continue
        for user_id in _owners(run, owner_id, owner_active and user_active):
            yield run.new(
                kind,
                recipient_id=user_id,
                due_at=at,
                key=f"{key}:{follow_up_id}:{user_id}",
                follow_up_id=follow_up_id,
                case_id=case_id,
            )


def _morning(day: dt.date) -> dt.datetime:
    return local_datetime(day, dt.time(settings.REMINDER_DAY_START_HOUR))


def derive_due_soon(run: Run) -> Iterator[Reminder]:
    """REMINDER_FOLLOW_UP_DAYS_BEFORE days before `due_on`, at REMINDER_DAY_START_HOUR local time."""
    today = timezone.localdate(run.now)
    before = dt.timedelta(days=settings.REMINDER_FOLLOW_UP_DAYS_BEFORE)
    rows = _open_follow_ups(run, DUE_SOON, due_soon_open(run.now)).filter(due_on__lte=today + before)
    yield from _follow_up_reminders(run, DUE_SOON, rows, "follow-up-soon", lambda due_on: _morning(due_on - before))


def derive_overdue(run: Run) -> Iterator[Reminder]:
    """The morning after `due_on`, at REMINDER_DAY_START_HOUR local time."""
    today = timezone.localdate(run.now)
    rows = _open_follow_ups(run, OVERDUE, overdue_open(run.now)).filter(due_on__lt=today)
    yield from _follow_up_reminders(
        run, OVERDUE, rows, "follow-up-overdue", lambda due_on: _morning(due_on + dt.timedelta(days=1))
    )


def follow_up_context(reminder: Reminder) -> dict[str, Any]:
    """When it is due; not its kind (a "post-operative review" tells of surgery) nor its free-text note."""
    follow_up = reminder.follow_up
    assert follow_up is not None
    return {
        "mrn": mrn_of(reminder),
        "due_on": follow_up.due_on,
        "rediscuss": follow_up.rediscuss,
    }


def steroids_open(now: dt.datetime) -> Q:
    """Steroids started and not stopped, and the patient alive."""
    return ON_STEROIDS & Q(patient__died_on__isnull=True)


def derive_steroids(run: Run) -> Iterator[Reminder]:
    """Steroids started, not stopped, treatment started REMINDER_STEROIDS_DAYS_AFTER_TREATMENT calendar days ago.

    To the responsible clinician; with none (or one who has left), the MSCC coordinators.
    """
    days = settings.REMINDER_STEROIDS_DAYS_AFTER_TREATMENT
    reminded = Reminder.objects.filter(case=OuterRef("pk"), kind=STEROIDS)
    cases = (
        Case.objects.filter(steroids_open(run.now))
        .filter(treatment_start_at__lte=run.now - dt.timedelta(days=days) + DST_SLACK)
        .filter(~Exists(reminded))
        .order_by()
        .values_list("pk", "treatment_start_at", "responsible_clinician_id", "responsible_clinician__is_active")
    )
    for case_id, treatment_start_at, clinician_id, clinician_active in cases:
        assert treatment_start_at is not None  # filtered on above
        due_at = add_local_days(treatment_start_at, days)
        if due_at > run.now:
            continue
        for user_id in run.person_or(clinician_id, clinician_active, *STEROIDS_FALLBACK):
            yield run.new(
                STEROIDS,
                recipient_id=user_id,
                due_at=due_at,
                key=f"steroids-active:{case_id}:{user_id}",
                case_id=case_id,
            )


def steroids_context(reminder: Reminder) -> dict[str, Any]:
    case = reminder.case
    assert case is not None
    return {
        "mrn": mrn_of(reminder),
        "treatment_start_at": local(case.treatment_start_at),
        "days": settings.REMINDER_STEROIDS_DAYS_AFTER_TREATMENT,
    }


KINDS = (
    Kind(DUE_SOON, "follow_up", derive_due_soon, due_soon_open, follow_up_context, case_path, (FOLLOW_UP_FALLBACK,)),
    Kind(OVERDUE, "follow_up", derive_overdue, overdue_open, follow_up_context, case_path, (FOLLOW_UP_FALLBACK,)),
    Kind(STEROIDS, "case", derive_steroids, steroids_open, steroids_context, case_path, (STEROIDS_FALLBACK,)),
)
