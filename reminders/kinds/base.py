"""What every kind of reminder provides, and helpers they share.

A kind is four functions:
- `derive(run)`: the reminders that are due by `run.now` and do not exist yet, as unsaved rows.
  Set-based: a few queries whatever the size of the tables, each narrowed in the database to
  the subjects that have no reminder of this kind yet (an anti-join on the subject's FK).
- `open_subject(now)`: a Q on the subject's own table (Scan, FollowUp...) that is true while it
  still needs the reminder (MRI not yet reviewed, follow-up not completed...). It is written
  once: `derive` filters the subjects with it, and `still_open(now)` applies it to reminders
  through their FK. The sweep cancels unsent rows outside it, the send task checks it just
  before sending, the dashboard lists only rows inside it.
- `context(reminder)`: what its email templates need. Emails leave the app's access control,
  so the patient is named by MRN only: no name, NHS number or clinical text.
- `path(reminder)`: where the recipient acts on it (relative; emails prefix SITE_URL).
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Q
from django.utils import timezone

from mdt.models import Member
from reminders.models import Reminder


@dataclass
class Run:
    """One derivation pass: the time it works to, and the team looked up at most once per role."""

    now: dt.datetime
    _by_roles: dict[frozenset[str], list[int]] = field(default_factory=dict)

    def users_with_roles(self, *roles: str) -> list[int]:
        """Ids of the active users with an active team role among `roles`."""
        key = frozenset(roles)
        if key not in self._by_roles:
            self._by_roles[key] = list(
                Member.objects.filter(role__in=key, active=True, user__is_active=True)
                .order_by("user_id")
                .values_list("user_id", flat=True)
            )
        return self._by_roles[key]

    def person_or(self, user_id: int | None, active: bool, *fallback_roles: str) -> list[int]:
        """The person named (an owner, a chair, a responsible clinician) while still active; else
        everyone in `fallback_roles`, so that a reminder is never lost with someone who has left."""
        return [user_id] if user_id and active else self.users_with_roles(*fallback_roles)

    def new(self, kind: str, *, recipient_id: int | None, due_at: dt.datetime, key: str, **subjects: Any) -> Reminder:
        return Reminder(
            kind=kind,
            recipient_id=recipient_id,
            due_at=due_at,
            dedupe_key=key,
            created_at=self.now,
            **subjects,
        )


@dataclass(frozen=True)
class Kind:
    kind: str
    subject: str  # the FK naming what the reminder is about; empty once deleted
    derive: Callable[[Run], Iterable[Reminder]]
    open_subject: Callable[[dt.datetime], Q]
    context: Callable[[Reminder], dict[str, Any]]
    path: Callable[[Reminder], str]

    @property
    def label(self) -> str:
        return str(Reminder.Kind(self.kind).label)

    def still_open(self, now: dt.datetime) -> Q:
        """On Reminder: its subject still exists and still needs it."""
        return Q(**{f"{self.subject}__isnull": False}) & through(self.subject, self.open_subject(now))


def through(fk: str, condition: Q) -> Q:
    """A condition on a subject's own fields, as the same condition on Reminder through its FK `fk`."""
    children: list[Any] = []
    for child in condition.children:
        if isinstance(child, Q):
            children.append(through(fk, child))
        else:
            lookup, value = cast(tuple[str, Any], child)  # a (lookup, value) pair
            children.append((f"{fk}__{lookup}", value))
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def local(at: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(at) if at else None


def mrn_of(reminder: Reminder) -> str:
    return reminder.case.patient.mrn if reminder.case_id and reminder.case else ""
