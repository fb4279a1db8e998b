"""Every kind of reminder, by its `Reminder.Kind` value (reminders.kinds.base says what a kind is)."""

import datetime as dt
import functools
import operator

from django.db.models import Q

from reminders.kinds import care, meetings, mri, referrals
from reminders.kinds.base import Kind, Run
from reminders.models import Reminder

KINDS: dict[str, Kind] = {kind.kind: kind for kind in (*mri.KINDS, *meetings.KINDS, *care.KINDS, *referrals.KINDS)}
assert set(KINDS) == set(Reminder.Kind.values), "every Reminder.Kind needs a kind in reminders.kinds"


def any_open(now: dt.datetime) -> Q:
    """Rows whose subject still needs them, whatever their kind (the dashboard's list)."""
    return functools.reduce(operator.or_, (Q(kind=kind.kind) & kind.still_open(now) for kind in KINDS.values()))


__all__ = ["KINDS", "Kind", "Run", "any_open"]
