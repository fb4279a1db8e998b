"""Every kind of reminder, by its `Reminder.Kind` value (reminders.kinds.base says what a kind is)."""

import datetime as dt

from django.db.models import BooleanField, Case, Q, Value, When

from reminders.kinds import care, meetings, mri, referrals
from reminders.kinds.base import Kind, Run, alive
from reminders.models import Reminder

KINDS: dict[str, Kind] = {kind.kind: kind for kind in (*mri.KINDS, *meetings.KINDS, *care.KINDS, *referrals.KINDS)}
assert set(KINDS) == set(Reminder.Kind.values), "every Reminder.Kind needs a kind in reminders.kinds"


def any_open(now: dt.datetime) -> Q:
    """Rows whose subject still needs them, whatever their kind (the dashboard's list): each kind's own
    `still_open`, chosen by the row's kind.

        CASE WHEN kind = 'mri_review' THEN scan_id IS NOT NULL AND EXISTS (the scan, while not reviewed)
             WHEN kind = ... THEN ...
             ELSE false END
        AND NOT EXISTS (its case, with a patient who died)

    A CASE on the kind, not eleven "kind = x AND ..." OR'd together: each row evaluates its own kind's
    test only, and the planner sees one condition with a small subquery per kind instead of eleven
    joins to plan (5 to 7 ms of planning at size L on every dashboard).
    """
    by_kind = [When(kind=kind.kind, then=kind.subject_still_open(now)) for kind in KINDS.values()]
    return Q(Case(*by_kind, default=Value(False), output_field=BooleanField())) & alive()


__all__ = ["KINDS", "Kind", "Run", "any_open"]
