"""Reads for the dashboard's "My reminders" and for /healthz."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from mdt.models import Member, PeriodicRun
from reminders.kinds import KINDS, any_open
from reminders.kinds.base import last_resort_accounts, team
from reminders.models import Reminder
from reminders.sweep import SWEEP_RUN

INBOX_SIZE = 50


@dataclass(frozen=True)
class InboxRow:
    reminder: Reminder
    label: str
    mrn: str
    path: str


def my_reminders(*, user_id: int | None, now: dt.datetime | None = None, limit: int = INBOX_SIZE) -> list[InboxRow]:
    """Due, not done, not snoozed, and still needed (acting on the subject removes it at once,
    before the sweep cancels it). One query: the row with its subjects joined.
    """
    if user_id is None:
        return []
    now = now or timezone.now()
    rows = (
        Reminder.objects.filter(recipient_id=user_id, done_at__isnull=True, due_at__lte=now)
        .exclude(status=Reminder.Status.CANCELLED)
        .filter(Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=now))
        .filter(any_open(now))
        .select_related("case__patient", "meeting", "agenda_item", "follow_up__case__patient")
        .order_by("-due_at", "-id")[:limit]
    )
    return [
        InboxRow(
            reminder=row,
            label=KINDS[row.kind].label,
            mrn=row.case.patient.mrn if row.case else "",
            path=KINDS[row.kind].path(row),
        )
        for row in rows
    ]


# The roles reminders go to when nobody is named, or as the last resort (reminders.kinds): with none of them
# active, those reminders are made for nobody (HAZ-021).
RECIPIENT_ROLES = (Member.Role.RADIOLOGIST, Member.Role.MSCC_COORDINATOR, Member.Role.MDT_COORDINATOR)


@dataclass(frozen=True)
class OutboxHealth:
    last_sweep: dt.datetime | None
    overdue: int  # unsent (pending or sending) and due more than REMINDER_OVERDUE_AFTER_SECONDS ago
    failed: int
    failing_kinds: list[str]  # the kinds whose derivation failed at the last sweep (HAZ-050)
    roles_without_anyone: list[str]  # RECIPIENT_ROLES with no active member (HAZ-021)
    # The kinds with a set of fallback roles nobody active holds (Kind.fallback): those of their reminders go
    # to the last resort only, or to nobody without one (HAZ-021).
    kinds_to_last_resort: list[str]
    last_resort: str  # REMINDER_LAST_RESORT_USERNAMES: LAST_RESORT_OK or what is wrong with it


LAST_RESORT_OK, LAST_RESORT_UNSET, LAST_RESORT_NOBODY_ACTIVE = "ok", "not set", "nobody active"
LAST_RESORT_UNKNOWN = "names an account that does not exist"


def last_resort_state() -> str:
    """REMINDER_LAST_RESORT_USERNAMES against the accounts (one query; none when it is empty). Read here
    rather than by a system check, which runs without the database (check reminders.E001 runs only with it)."""
    names = set(settings.REMINDER_LAST_RESORT_USERNAMES)
    if not names:
        return LAST_RESORT_UNSET
    found = dict(last_resort_accounts().values_list("username", "is_active"))
    if names - set(found):
        return LAST_RESORT_UNKNOWN
    return LAST_RESORT_OK if any(found.values()) else LAST_RESORT_NOBODY_ACTIVE


def outbox_health(*, now: dt.datetime | None = None) -> OutboxHealth:
    """Five small queries, on reminder_pending_due_idx and reminder_sending_lease_idx, the team and the
    last-resort accounts (none while REMINDER_LAST_RESORT_USERNAMES is empty)."""
    now = now or timezone.now()
    late = now - dt.timedelta(seconds=settings.REMINDER_OVERDUE_AFTER_SECONDS)
    sweep = PeriodicRun.objects.filter(name=SWEEP_RUN).values_list("last_run_at", "detail").first()
    staffed = set(team(*Member.Role.values).values_list("role", flat=True).distinct())
    return OutboxHealth(
        last_sweep=sweep[0] if sweep else None,
        overdue=Reminder.objects.unsent().filter(due_at__lte=late).count(),
        failed=Reminder.objects.filter(status=Reminder.Status.FAILED).count(),
        failing_kinds=[kind for kind in (sweep[1] if sweep else "").split(",") if kind],
        roles_without_anyone=[str(role) for role in RECIPIENT_ROLES if role not in staffed],
        kinds_to_last_resort=[
            kind.kind for kind in KINDS.values() if any(staffed.isdisjoint(roles) for roles in kind.fallback)
        ],
        last_resort=last_resort_state(),
    )
