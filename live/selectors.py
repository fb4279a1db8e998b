"""Reads for the live screen: the tiny state tag the followers poll, and the panel they are sent.

`state_tag` is one query: the followers' screens ask for it every couple of seconds with
If-None-Match, and almost always get a 304 without anything else being read. It changes with the
live session's version (every step, phase, check-in), the current case's agenda item (an outcome
recorded, from the live screen or the outcome page), its decision (saved or signed), its patient's
communication needs (flagged on the panel), the meeting's attendance (recorded on the meeting page too),
and the current case's clinical record that its panel shows: the case, the patient, its scans and its scores
(each by its newest history row: one recorded, edited or deleted), so a score recorded or an
MRI performed during the meeting, and the out-of-date flags they raise, reach the followers (HAZ-180).
"""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cases.models import Assessment, Scan
from live.models import CaseTiming, CheckIn, LiveSession, StandardOfCare
from live.trials import TrialMatch, matches, open_trials
from mdt.models import AgendaItem, Attendance, Decision, Meeting, Quorum, quorum_of
from mdt.selectors import AgendaBlock, agenda_block, agenda_items, decisions_for_display, load_reviewers


def state_tag(meeting_id: int) -> str | None:
    """The ETag of the meeting's live state (None: no such meeting). One query."""
    attendance = Attendance.history.filter(meeting_id=OuterRef("pk")).order_by("-history_id").values("history_id")[:1]
    decision = (
        Decision.objects.filter(agenda_item_id=OuterRef("live__current_item_id"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    case = OuterRef("live__current_item__case_id")
    scan = Scan.history.filter(case_id=case).order_by("-history_id").values("history_id")[:1]
    score = Assessment.history.filter(case_id=case).order_by("-history_id").values("history_id")[:1]
    row = (
        Meeting.objects.filter(pk=meeting_id)
        .annotate(
            attendance_mark=Subquery(attendance),
            decision_mark=Subquery(decision),
            scan_mark=Subquery(scan),
            score_mark=Subquery(score),
        )
        .values_list(
            "status",
            "live__version",
            "live__current_item__updated_at",
            "attendance_mark",
            "decision_mark",
            "live__current_item__case__patient__communication_needs__version",
            # The case's clinical record, which its panel shows (scores and their out-of-date flags: HAZ-180).
            "live__current_item__case__updated_at",
            "live__current_item__case__patient__updated_at",
            "scan_mark",
            "score_mark",
        )
        .first()
    )
    if row is None:
        return None
    digest = hashlib.sha256(repr(row).encode()).hexdigest()[:16]
    return f'"live-{meeting_id}-{digest}"'


@dataclass
class LiveView:
    """What the live panel shows: the meeting, the case on the screen and the room."""

    meeting: Meeting
    session: LiveSession | None
    order: list[AgendaItem]
    block: AgendaBlock | None
    decision: Decision | None
    attendance: list[Attendance]
    check_ins: list[CheckIn]
    quorum: Quorum
    case_started_at: Any = None
    pending: list[CheckIn] = field(default_factory=list)
    standard_of_care: dict[int, StandardOfCare] = field(default_factory=dict)  # by agenda item id
    trials: list[TrialMatch] = field(default_factory=list)  # the open trials against the case on the screen

    @property
    def current_standard(self) -> StandardOfCare | None:
        return self.standard_of_care.get(self.session.current_item_id) if self.session else None  # type: ignore[arg-type]

    @property
    def standard_items(self) -> list[tuple[AgendaItem, StandardOfCare]]:
        return [(item, self.standard_of_care[item.pk]) for item in self.order if item.pk in self.standard_of_care]

    @property
    def current_item(self) -> AgendaItem | None:
        """The case on the screen, from the agenda's order (patient joined), while the meeting is live."""
        if self.session is None or self.session.ended:
            return None
        return next((item for item in self.order if item.pk == self.session.current_item_id), None)

    @property
    def position(self) -> int:
        ids = [item.pk for item in self.order]
        current = self.session.current_item_id if self.session else None
        return ids.index(current) + 1 if current in ids else 0

    @property
    def present_rows(self) -> list[Attendance]:
        return [row for row in self.attendance if row.present]

    @property
    def attendance_recorded(self) -> bool:
        return bool(self.attendance)


def _block(meeting: Meeting, item_id: int) -> AgendaBlock | None:
    """The agenda block of one case (the agenda page's selector narrowed to it): seven queries."""
    item = agenda_items(meeting).filter(pk=item_id).first()
    if item is None:
        return None
    block = agenda_block(item, timezone.now())
    load_reviewers([block.latest_mri])
    return block


def live_view(meeting_id: int, *, with_case: bool = True) -> LiveView:
    """Everything the panel shows, in a fixed number of queries however long the agenda. Without
    `with_case`, only the state and the room: the case's part was rendered already (live.views)."""
    meeting = Meeting.objects.select_related("chair__user").get(pk=meeting_id)
    session = LiveSession.objects.filter(meeting=meeting).first()
    order = list(
        meeting.items.exclude(status=AgendaItem.Status.WITHDRAWN)
        .select_related("case__patient")
        .order_by("position", "id")
    )
    block = decision = started = None
    if with_case and session is not None and session.current_item_id and not session.ended:
        block = _block(meeting, session.current_item_id)
        decision = (
            decisions_for_display()
            .filter(agenda_item_id=session.current_item_id)
            .exclude(status=Decision.Status.SUPERSEDED)
            .order_by("-decided_at")
            .first()
        )
        started = (
            CaseTiming.objects.filter(item_id=session.current_item_id, ended_at__isnull=True)
            .values_list("started_at", flat=True)
            .first()
        )
    trials = matches(block.item.case, block.summary, open_trials()) if block is not None else []
    attendance = list(meeting.attendances.select_related("member__user").order_by("member__role", "id"))
    check_ins = list(meeting.check_ins.select_related("member__user").order_by("checked_in_at", "id"))
    present = {row.member_id for row in attendance if row.present}
    return LiveView(
        meeting=meeting,
        session=session,
        order=order,
        block=block,
        decision=decision,
        attendance=attendance,
        check_ins=check_ins,
        quorum=quorum_of(row.member.role for row in attendance if row.present),
        case_started_at=started,
        pending=[c for c in check_ins if c.confirmed_at is None and c.member_id not in present],
        standard_of_care={
            review.item_id: review
            for review in StandardOfCare.objects.filter(item__meeting=meeting, withdrawn_at__isnull=True)
        }
        if with_case
        else {},
        trials=trials,
    )
