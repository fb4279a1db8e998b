"""Open cases on no agenda for too long: the coordinators' backstop for HAZ-028.

The cases are those still waiting for the MDT's decision (referred, imaging, awaiting MDT): a case with a
decision has its plan, and what brings it back (a follow-up asking for the MDT, a new MRI report) is among
the agenda's candidates; listing every case under treatment or in follow-up here would bury the forgotten
one (HAZ-031). A case waits from its referral, or from the start of the last meeting that discussed it,
whichever is later. It is on this list once it has waited more than `UNLISTED_CASE_DAYS` days (an
operational setting, not a clinical figure) and is on no agenda: no item (withdrawn ones aside) on a meeting still to
be held or under way, nor on any meeting, cancelled ones aside, that started within those days. Closed
cases and patients whose death is recorded are left out, as on every worklist
(`Case.objects.on_worklists`). The rule is written once, here; the meetings list shows it.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import DateTimeField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from cases.choices import CaseStatus
from cases.models import Case, CaseQuerySet
from mdt.models import AgendaItem, Meeting

# The statuses of a case still waiting for the MDT's decision.
AWAITING_DECISION = (CaseStatus.REFERRED, CaseStatus.IMAGING, CaseStatus.AWAITING_MDT)
UNLISTED_LIMIT = 100  # rows shown, longest-waiting first; the page says when more are waiting
# What the list shows of each case (another field read from a row is one query more per row).
SHOWN = (
    "referred_at",
    "patient__mrn",
    "patient__family_name",
    "patient__given_name",
    "responsible_clinician__first_name",
    "responsible_clinician__last_name",
    "responsible_clinician__username",
)


@dataclass(frozen=True)
class Unlisted:
    """The list as shown: at most `limit` cases, and whether more are waiting."""

    cases: list[Case]
    more: bool
    days: int


def waiting_days() -> int:
    return int(settings.UNLISTED_CASE_DAYS)


def on_an_agenda(cutoff: dt.datetime) -> Exists:
    """The outer case has an item, not withdrawn, on a meeting to come or under way, or on one that started
    since `cutoff` (a cancelled meeting aside)."""
    upcoming = Q(meeting__status__in=[Meeting.Status.SCHEDULED, Meeting.Status.IN_PROGRESS])
    recent = Q(meeting__starts_at__gte=cutoff) & ~Q(meeting__status=Meeting.Status.CANCELLED)
    return Exists(AgendaItem.objects.listed().filter(upcoming | recent, case=OuterRef("pk")))


def last_discussed() -> Subquery:
    """When the outer case was last discussed: the start of the latest meeting whose item on it was discussed."""
    discussed = AgendaItem.objects.filter(case=OuterRef("pk"), status=AgendaItem.Status.DISCUSSED)
    return Subquery(discussed.order_by("-meeting__starts_at").values("meeting__starts_at")[:1])


def waiting(cutoff: dt.datetime) -> CaseQuerySet:
    """The rule: cases of living patients waiting for a decision, referred before `cutoff`, on no agenda since
    then."""
    waiting_for_a_decision = Case.objects.on_worklists().filter(status__in=AWAITING_DECISION)
    return waiting_for_a_decision.filter(referred_at__lt=cutoff).exclude(on_an_agenda(cutoff))


def unlisted_cases(*, now: dt.datetime | None = None, days: int | None = None, limit: int = UNLISTED_LIMIT) -> Unlisted:
    """Cases of living patients waiting for a decision, on no agenda, that have waited more than `days` days
    since their referral or their last discussion, longest-waiting first, at most `limit`.

    Two queries, each stopping at `limit` + 1 rows: the cases never discussed wait from their referral, read
    in referral order from the index on status and referral (`case_status_referred_idx`) without reading the
    rest; the cases discussed before (one per discussed item at most: thousands, not the record's hundreds
    of thousands) are ordered by their wait. The two are merged here."""
    now = now or timezone.now()
    days = waiting_days() if days is None else days
    cutoff = now - dt.timedelta(days=days)
    items = AgendaItem.objects.filter(status=AgendaItem.Status.DISCUSSED)
    shown = waiting(cutoff).select_related("patient", "responsible_clinician").only(*SHOWN)
    never: list[Case] = list(
        shown.exclude(Exists(items.filter(case=OuterRef("pk"))))
        .annotate(last_discussed=Value(None, output_field=DateTimeField()), waiting_since=F("referred_at"))
        .order_by("referred_at", "id")[: limit + 1]
    )
    # Before `cutoff` too: a discussion since then is an item on an agenda.
    waiting_since = Greatest("referred_at", Coalesce("last_discussed", "referred_at"), output_field=DateTimeField())
    again: list[Case] = list(
        shown.filter(pk__in=items.values("case_id"))  # read from the discussed items
        .annotate(last_discussed=last_discussed(), waiting_since=waiting_since)
        .order_by("waiting_since", "id")[: limit + 1]
    )
    found = sorted([*never, *again], key=lambda case: (case.waiting_since, case.pk))  # type: ignore[attr-defined]
    for case in found:
        case.days_waiting = (now - case.waiting_since).days  # type: ignore[attr-defined]
    return Unlisted(cases=found[:limit], more=len(found) > limit, days=days)
