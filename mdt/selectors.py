"""Reads that feed the MDT pages, each shaped to a fixed number of queries."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.lookups import Exact
from django.utils import timezone

from cases.models import Scan
from cases.selectors import scans_pending_review
from cases.summary import CaseSummary, assessments_shown, case_summary
from mdt.agenda import Readiness, latest_mri, readiness
from mdt.attendance import version_subquery
from mdt.models import (
    AgendaItem,
    Attendance,
    Decision,
    FollowUp,
    Meeting,
    Member,
    Preparation,
    Quorum,
    SignOff,
    quorum_of,
)

WORKLIST_SIZE = 25
NEXT_MEETINGS = 3


@dataclass(frozen=True)
class Worklist:
    rows: list[Scan]
    more: bool  # more rows exist than are shown


def pending_review_worklist(limit: int = WORKLIST_SIZE, *, user: Any = None) -> Worklist:
    """The dashboard's MRI worklist: the scans `user` is expected to review, most urgent first."""
    rows = list(scans_pending_review(user=user, everyone=user is None)[: limit + 1])
    return Worklist(rows=rows[:limit], more=len(rows) > limit)


# --------------------------------------------------------------------------- meetings lists


def items_count(items: QuerySet[AgendaItem]) -> Subquery:
    """How many of `items` are on the outer meeting's agenda: a subquery per meeting shown, on the items'
    meeting index (a join grouped by meeting counted every meeting's items before the page was cut)."""
    count = Func(F("pk"), function="COUNT", output_field=IntegerField())  # not an aggregate: no GROUP BY
    return Subquery(items.filter(meeting=OuterRef("pk")).order_by().annotate(n=count).values("n"))


def with_case_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """Cases listed, and outcomes recorded: items discussed (the decisions issue will count decisions)."""
    return meetings.annotate(
        case_count=items_count(AgendaItem.objects.listed()),
        outcome_count=items_count(AgendaItem.objects.filter(status=AgendaItem.Status.DISCUSSED)),
    )


def meetings_upcoming(*, now: dt.datetime | None = None, cancelled: bool = True) -> QuerySet[Meeting]:
    meetings = Meeting.objects.upcoming(now)
    return with_case_counts(meetings if cancelled else meetings.active())


def meetings_past(*, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Past meetings, latest first, with counts and whether each quorum role was present: subqueries on the
    page's meetings (an EXISTS per role was planned as a hash over every meeting's attendance)."""
    roles_present = Func(F("member__role"), template="COUNT(DISTINCT %(expressions)s)", output_field=IntegerField())
    present = (
        Attendance.objects.filter(meeting=OuterRef("pk"), present=True, member__role__in=Member.QUORUM_ROLES)
        .order_by()
        .annotate(roles=roles_present)
        .values("roles")
    )
    quorate = Exact(Subquery(present), len(Member.QUORUM_ROLES))
    return with_case_counts(Meeting.objects.past(now)).annotate(quorate=quorate)


def next_meetings(*, limit: int = NEXT_MEETINGS) -> list[Meeting]:
    """The dashboard's next meetings, cancelled ones left out."""
    return list(meetings_upcoming(cancelled=False)[:limit])


# --------------------------------------------------------------------------- one meeting's agenda


@dataclass
class AgendaBlock:
    """One case on the agenda, with what a clinician needs to prepare it."""

    item: AgendaItem
    summary: CaseSummary  # scores, NOMS suggestion and NICE clocks (cases.summary)
    readiness: Readiness
    latest_mri: Scan | None
    previous: list[AgendaItem]  # this case on earlier meetings, newest first
    prepared_by: list[Preparation]
    prepared_by_me: bool = False
    prepared_names: list[str] = field(default_factory=list)  # "Name (Role)" of each who prepared, in order
    facts: Any = None  # the case's clinical facts, rendered (mdt.agenda_facts), set by the page's view
    form: Any = None  # the coordinator's question-and-presenter fields (forms.meetings.item_fields), set by the view
    urls: dict[str, str] = field(default_factory=dict)  # the block's links and form actions, set by the page's view


@dataclass
class Agenda:
    meeting: Meeting
    blocks: list[AgendaBlock]
    withdrawn: list[AgendaItem]
    attendance: list[Attendance]
    quorum: Quorum
    members: list[Member] = field(default_factory=list)
    attendance_version: int = 0  # what the attendance form sends back (mdt.attendance)

    @property
    def not_ready(self) -> int:
        return sum(1 for block in self.blocks if not block.readiness.ready)

    @property
    def attendance_recorded(self) -> bool:
        return bool(self.attendance)


def agenda_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The agenda with everything each block shows, in six queries whatever its length:
    items (with case, patient, responsible clinician and presenter joined), their scans, their
    assessments (with scorer and scan), preparations, the members who prepared (each once, with
    their user, not once per preparation), the cases' earlier agenda items (with their meetings).
    The block shows one scan's reviewer, the latest MRI's: load it with `load_reviewers` (one more
    query), never every scan's.
    """
    scans = Scan.objects.order_by("-requested_at", "-id")
    earlier = (
        AgendaItem.objects.filter(meeting__starts_at__lt=meeting.starts_at)
        .exclude(status=AgendaItem.Status.WITHDRAWN)
        .select_related("meeting")
        .order_by("-meeting__starts_at", "-id")
    )
    # Each member who prepared loaded once with their user (a member prepares many cases).
    members = Prefetch("member", queryset=Member.objects.select_related("user"))
    preparations = Preparation.objects.prefetch_related(members).order_by("prepared_at", "id")
    # As cases.summary.SUMMARY_PREFETCH's (the summary reads them, with what the record held when each was
    # assessed: the out-of-date flags); its scans' reviewers are not shown here.
    assessments = assessments_shown()
    return (
        meeting.items.select_related(
            "case__patient__communication_needs", "case__responsible_clinician", "presenter__user"
        )
        .prefetch_related(
            Prefetch("case__scans", queryset=scans),
            Prefetch("case__assessments", queryset=assessments),
            Prefetch("case__agenda_items", queryset=earlier, to_attr="earlier_items"),
            Prefetch("preparations", queryset=preparations, to_attr="preparation_list"),
        )
        .order_by("position", "id")
    )


def load_reviewers(scans: Iterable[Scan | None]) -> None:
    """Each scan's reviewer with their team role (the agenda block shows the latest MRI's), in one query for
    all the scans, each reviewer loaded once; none when no scan was reviewed."""
    reviewed = [scan for scan in scans if scan is not None and scan.reviewed_by_id]
    users = get_user_model().objects.select_related("member")
    prefetch_related_objects(reviewed, Prefetch("reviewed_by", queryset=users))


def agenda_block(item: AgendaItem, now: dt.datetime, member: Member | None = None) -> AgendaBlock:
    """One case's block from an item of `agenda_items` (no query; the latest MRI's reviewer is
    `load_reviewers`')."""
    preparations: list[Preparation] = item.preparation_list  # type: ignore[attr-defined]
    summary = case_summary(item.case, now)
    return AgendaBlock(
        item=item,
        summary=summary,
        readiness=readiness(item, summary),
        latest_mri=latest_mri(item.case),
        previous=item.case.earlier_items,  # type: ignore[attr-defined]
        prepared_by=preparations,
        prepared_by_me=member is not None and any(p.member_id == member.pk for p in preparations),
    )


def _name_preparers(blocks: list[AgendaBlock]) -> None:
    """Each block's preparers as the page names them, each member's name and role written once (a member
    prepares many cases; get_role_display builds its choices each call)."""
    names: dict[int, str] = {}
    for block in blocks:
        for preparation in block.prepared_by:
            if preparation.member_id not in names:
                names[preparation.member_id] = str(preparation.member)
        block.prepared_names = [names[preparation.member_id] for preparation in block.prepared_by]


def meeting_agenda(
    *, meeting_id: int, member: Member | None = None, with_members: bool = False, now: dt.datetime | None = None
) -> Agenda:
    """The meeting page and the PDF: a constant number of queries for any number of items. `now` is
    the time the clocks are shown at (the PDF's cache key uses a coarse one: mdt.printing)."""
    meeting = (
        Meeting.objects.select_related("chair__user").annotate(attendance_version=version_subquery()).get(pk=meeting_id)
    )
    blocks: list[AgendaBlock] = []
    withdrawn: list[AgendaItem] = []
    now = now or timezone.now()
    for item in agenda_items(meeting):
        if item.status == AgendaItem.Status.WITHDRAWN:
            withdrawn.append(item)
            continue
        blocks.append(agenda_block(item, now, member))
    load_reviewers(block.latest_mri for block in blocks)
    _name_preparers(blocks)
    attendance = list(meeting.attendances.select_related("member__user").order_by("member__role", "id"))
    members = list(Member.objects.filter(active=True).select_related("user")) if with_members else []
    return Agenda(
        meeting=meeting,
        blocks=blocks,
        withdrawn=withdrawn,
        attendance=attendance,
        quorum=quorum_of(row.member.role for row in attendance if row.present),
        members=members,
        attendance_version=meeting.attendance_version or 0,
    )


def meeting_for_calendar(*, meeting_id: int) -> Meeting:
    meeting = with_case_counts(Meeting.objects.filter(pk=meeting_id)).first()
    if meeting is None:
        raise Meeting.DoesNotExist
    return meeting


def decisions_for_display() -> QuerySet[Decision]:
    """Decisions with what their pages, letters and the case panel show: three queries for any number. Each
    row says which quorum roles were recorded present at its meeting (`present_<role>`, read by
    `Decision.meeting_quorum`: a decision made at a meeting that was not quorate says so, HAZ-027)."""
    signoffs = SignOff.objects.select_related("member__user").order_by("id")
    present = {
        f"present_{role}": Exists(
            Attendance.objects.filter(meeting=OuterRef("agenda_item__meeting"), present=True, member__role=role)
        )
        for role in Member.QUORUM_ROLES
    }
    return (
        Decision.objects.select_related("recorded_by", "amends", "agenda_item__meeting")
        .annotate(**present)
        .prefetch_related(
            Prefetch("signoffs", queryset=signoffs),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("owner__user")),
        )
    )


def awaiting_signature(user: Any) -> list[SignOff]:
    """The user's own sign-offs still pending on decisions not yet locked, oldest decision first:
    shown on the dashboard the moment the decision is saved (the reminder a day later is the second prompt).
    One query, on signoff_pending_idx."""
    member = getattr(user, "member", None) if user.is_authenticated else None
    if member is None:
        return []
    return list(
        SignOff.objects.filter(
            member=member, response=SignOff.Response.PENDING, decision__status=Decision.Status.AWAITING_SIGNOFF
        )
        .select_related("decision__case__patient", "decision__agenda_item__meeting")
        .order_by("decision__decided_at", "decision_id")
    )


@dataclass(frozen=True)
class FollowUpCounts:
    overdue: int
    due_soon: int


def my_follow_up_counts(user: Any, *, days: int = 7, today: dt.date | None = None) -> FollowUpCounts | None:
    """How many of the user's own follow-ups are overdue, and due within `days`: one query."""
    member = getattr(user, "member", None) if user.is_authenticated else None
    if member is None:
        return None
    today = today or timezone.localdate()
    counts = (
        FollowUp.objects.open()
        .filter(owner=member)
        .aggregate(
            overdue=Count("pk", filter=Q(due_on__lt=today)),
            due_soon=Count("pk", filter=Q(due_on__gte=today, due_on__lte=today + dt.timedelta(days=days))),
        )
    )
    return FollowUpCounts(overdue=counts["overdue"], due_soon=counts["due_soon"])
