"""What every kind of reminder provides, and helpers they share.

A kind is four functions:
- `derive(run)`: the reminders that are due by `run.now` and do not exist yet. Set-based: a few
  statements whatever the size of the tables, each narrowed in the database to the subjects that
  have no reminder of this kind yet (an anti-join on the subject's FK). It yields either:
  - `Selection`s, for the kinds whose rule is a selection the database can make (an MRI waiting
    for review, an agenda, a sign-off, an advice): the subjects' queryset (the kind's own Q, written
    once), the Reminder columns as expressions on the subject, the dedupe key's parts, and who
    (every active member in some roles, or a user named on the subject). The sweep turns each
    into ONE `INSERT INTO reminders_reminder ... SELECT ... ON CONFLICT (dedupe_key) DO NOTHING`
    compiled from that queryset (reminders.insert.insert): the rows are made in the database,
    never loaded into Python, so 10,000 MRIs due are one statement per escalation level;
  - unsaved rows (`Run.new`), for the kinds whose due time or recipients need Python to decide
    (a clinical clock, a local morning across a clock change, the duty rota, a fallback to
    coordinators when the person named has left); the sweep bulk-creates them, ignoring conflicts.
  Either way the dedupe key is the same string (kind:subject:recipient[:level]), so a row made one
  way dedupes against a row made the other, and nothing is made about a patient whose death is
  recorded (`alive`). Roles nobody active holds give way to the last resort (REMINDER_LAST_RESORT_USERNAMES)
  in one place: `Run.users_with_roles` for the rows built in Python, `Run.addressed` for a Selection.
- `open_subject(now)`: a Q on the subject's own table (Scan, FollowUp...) that is true while it
  still needs the reminder (MRI not yet reviewed, follow-up not completed...). It is written
  once: `derive` filters the subjects with it, and `subject_still_open(now)` applies it to
  reminders as a lookup of the subject by their FK (`still_open(now)`: that, and about a living
  patient). The sweep cancels unsent rows outside it, the send task checks it just before
  sending, the dashboard lists only rows inside it (all kinds at once: reminders.kinds.any_open).
- `context(reminder)`: what its email templates need. Emails leave the app's access control,
  so the patient is named by MRN only: no name, NHS number or clinical text.
- `path(reminder)`: where the recipient acts on it (relative; emails prefix SITE_URL).
"""

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Case
from mdt.models import Member
from reminders.models import Reminder

log = logging.getLogger(__name__)


def team(*roles: str) -> QuerySet[Member]:
    """The members a reminder to `roles` goes to: an active role, on an active account."""
    return Member.objects.filter(role__in=roles, active=True, user__is_active=True)


def last_resort_accounts() -> QuerySet[Any]:
    """The accounts REMINDER_LAST_RESORT_USERNAMES names, active or not (a name with no account: none); the
    sweep, /healthz and check reminders.E001 all read them here."""
    return get_user_model()._default_manager.filter(username__in=settings.REMINDER_LAST_RESORT_USERNAMES)


def last_resort_users() -> QuerySet[Any]:
    """The active accounts named by REMINDER_LAST_RESORT_USERNAMES (unknown and inactive names skipped)."""
    return last_resort_accounts().filter(is_active=True).order_by("pk")


class LastResort(int):
    """A last-resort recipient's user id, standing in for `roles`, which nobody active holds: a kind uses it
    as any recipient id, and `Run.new` marks the row (Reminder.last_resort_for) so its email says why."""

    roles: str  # the roles' values, comma-separated, in Member.Role's order

    def __new__(cls, user_id: int, roles: str) -> "LastResort":
        made = super().__new__(cls, user_id)
        made.roles = roles
        return made


@dataclass
class Run:
    """One derivation pass: the time it works to, and the team looked up at most once per role."""

    now: dt.datetime
    _by_roles: dict[frozenset[str], list[int]] = field(default_factory=dict)
    _last_resort: list[int] | None = None
    _instead: dict[frozenset[str], list[int]] = field(default_factory=dict)

    def members(self, *roles: str) -> list[int]:
        """Ids of the active users with an active team role among `roles` (nobody else)."""
        key = frozenset(roles)
        if key not in self._by_roles:
            self._by_roles[key] = list(team(*key).order_by("user_id").values_list("user_id", flat=True))
        return self._by_roles[key]

    def users_with_roles(self, *roles: str) -> list[int]:
        """Who a reminder to `roles` goes to: the active users with an active team role among them; with
        nobody in any of them, the last-resort recipients (`LastResort` ids, REMINDER_LAST_RESORT_USERNAMES),
        so that a reminder is never made for nobody (HAZ-021). Every role a kind falls back to is asked
        here, and a Selection's roles through `addressed`: the one place the last resort is decided."""
        members = self.members(*roles)
        if members:
            return members
        key = frozenset(roles)
        if key not in self._instead:
            named = ",".join(role for role in Member.Role.values if role in key)
            if self._last_resort is None:
                self._last_resort = list(last_resort_users().values_list("pk", flat=True))
            self._instead[key] = [LastResort(user_id, named) for user_id in self._last_resort]
            if self._last_resort:
                log.info("reminder last resort: nobody holds roles=%s, to users=%s", named, self._last_resort)
            else:  # as before the last resort: these reminders are made for nobody (/healthz says degraded)
                log.warning("reminder last resort: nobody holds roles=%s and nobody active is named", named)
        return self._instead[key]

    def person_or(self, user_id: int | None, active: bool, *fallback_roles: str) -> list[int]:
        """The person named (an owner, a chair, a responsible clinician) while still active; else
        everyone in `fallback_roles`, so that a reminder is never lost with someone who has left."""
        return [user_id] if user_id and active else self.users_with_roles(*fallback_roles)

    def addressed(self, selection: "Selection") -> "Selection":
        """A Selection to roles nobody active holds, addressed to the last-resort recipients instead (each
        row marked with the roles); any other as it is."""
        if not selection.roles:
            return selection
        recipients = self.users_with_roles(*selection.roles)
        if not recipients or not isinstance(recipients[0], LastResort):
            return selection
        values = {**selection.values, "last_resort_for": recipients[0].roles}
        return replace(selection, roles=(), users=tuple(recipients), values=values)

    def new(self, kind: str, *, recipient_id: int | None, due_at: dt.datetime, key: str, **subjects: Any) -> Reminder:
        return Reminder(
            kind=kind,
            recipient_id=recipient_id,
            due_at=due_at,
            dedupe_key=key,
            created_at=self.now,
            last_resort_for=recipient_id.roles if isinstance(recipient_id, LastResort) else "",
            **subjects,
        )


class Recipient:
    """Where the recipient's user id goes in a Selection's dedupe key."""

    def __repr__(self) -> str:
        return "RECIPIENT"


RECIPIENT = Recipient()


@dataclass(frozen=True)
class Selection:
    """New reminders of one kind that the database makes itself, in one INSERT ... SELECT (reminders.insert.insert).

    - `subjects`: the subjects due that have no reminder of this kind (and level) yet: the kind's
      queryset, so its rule stays written once, as a Q;
    - `values`: Reminder fields (by name: "scan", "due_at", "level") as expressions on a subject
      (`F("pk")`, `F("performed_at") + step`) or plain values; the other fields take their defaults,
      `created_at` the run's time;
    - `case`: the path from a subject to its case ("case", "decision__case"), for the kinds about a
      patient: it fills the row's case, and subjects about a patient whose death is recorded are left
      out (`alive`);
    - `key`: the dedupe key's parts, joined: text, expressions on the subject, and `RECIPIENT`;
    - who: `roles`, one row per subject and active member in those roles (`team`: a cross join on
      the member table), or `recipient`, the path on the subject to one user (a row only where it
      is set); with nobody in the roles, `Run.addressed` turns them into `users`, the last-resort
      recipients' ids (a cross join on those users).
    """

    kind: str
    subjects: QuerySet[Any]
    values: Mapping[str, Any]
    key: tuple[Any, ...]
    case: str = ""
    roles: tuple[str, ...] = ()
    recipient: str = ""
    users: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        who = [bool(self.roles), bool(self.recipient), bool(self.users)]
        assert who.count(True) == 1, "a Selection goes to roles, to a recipient or to users: one of them"
        assert sum(part is RECIPIENT for part in self.key) == 1, "the dedupe key names its recipient once"


@dataclass(frozen=True)
class Kind:
    kind: str
    subject: str  # the FK naming what the reminder is about; empty once deleted
    derive: Callable[[Run], Iterable[Reminder | Selection]]
    open_subject: Callable[[dt.datetime], Q]
    context: Callable[[Reminder], dict[str, Any]]
    path: Callable[[Reminder], str]
    # The sets of roles its reminders go to when nobody is named (or always), each the last before the last
    # resort: /healthz names the kind while nobody active holds any role of one of them (HAZ-021).
    fallback: tuple[tuple[str, ...], ...] = ()

    @property
    def label(self) -> str:
        return str(Reminder.Kind(self.kind).label)

    def subject_still_open(self, now: dt.datetime) -> Q:
        """On Reminder: its subject still exists and still needs it (`open_subject`, on the subject's own
        table, filtered as `derive` filters it), looked up by the reminder's FK; for a kind whose subject
        needs it until deleted, only the FK set:

            scan_id IS NOT NULL AND COALESCE((SELECT true FROM cases_scan
                                              WHERE <open_subject> AND id = reminder.scan_id LIMIT 1), false)

        That is EXISTS (the open subject), written as a scalar subquery on purpose. Applied to a reminder
        row it is one primary-key probe whatever the size of the subject's table, and it joins nothing into
        the query around it, so "My reminders" (all eleven kinds in one CASE, `reminders.kinds.any_open`)
        plans as one small query (the eleven kinds' joins OR'd together took 5 to 7 ms to plan at size
        L). PostgreSQL may run an EXISTS or an `IN (subquery)` as a hashed subplan instead, reading every
        open subject of the kind (every unreviewed scan) at each call, which grows with the record; it
        never does that with a scalar subquery.
        """
        subject = Q(**{f"{self.subject}__isnull": False})
        condition = self.open_subject(now)
        if not condition:
            return subject
        model = Reminder._meta.get_field(self.subject).related_model
        assert model is not None and not isinstance(model, str)
        row = model._default_manager.filter(condition, pk=OuterRef(self.subject)).order_by().values(open=Value(True))
        return subject & Q(Coalesce(Subquery(row[:1]), Value(False), output_field=BooleanField()))

    def still_open(self, now: dt.datetime) -> Q:
        """On Reminder: its subject still exists and still needs it, and the patient has not died."""
        return self.subject_still_open(now) & alive()


DEATH_REASON = "cancelled: the patient's death was recorded"


def alive(case: str = "case") -> Q:
    """Reminders about a living patient, or about no patient (a meeting's agenda): the only ones worth sending.

    Part of every kind's still_open, so the sweep, the send task's last check and the dashboard list
    all drop a reminder once the patient's death is recorded (HAZ-009). `case` is the path to the
    case: on Reminder its own FK; on a Selection's subjects the path to theirs ("case" on a Scan,
    "decision__case" on a SignOff), so that no reminder is made about them either.

    NOT EXISTS (the case, with a patient who died) rather than a join through case to patient. The
    sweep's INSERT ... SELECT reads the same rule (`dead`) in a form of its own (reminders.insert.insert
    says why).
    """
    return ~Q(Exists(dead(OuterRef(case))))


def dead(case: Any) -> "QuerySet[Case]":
    """The case `case` (an OuterRef, or an expression giving a case's id) if its patient's death is
    recorded: the one statement of "about a patient who died", read by `alive` and by the sweep."""
    return Case.objects.filter(pk=case, patient__died_on__isnull=False)


def local(at: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(at) if at else None


def mrn_of(reminder: Reminder) -> str:
    return reminder.case.patient.mrn if reminder.case_id and reminder.case else ""
