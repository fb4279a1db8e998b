"""Writes to meetings and their agendas. Each checks the user's role and raises PermissionDenied.

Coordinators build agendas and record attendance; clinicians may list a case until the
agenda closes, and mark their own preparation. Bad input raises ValidationError keyed
by field, and nothing is saved.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts import policy
from cases.models import Case, Scan
from cases.services import case_follow_events
from cases.status import CaseEvent
from core.concurrency import MISSING_VERSION, NO_FORM, LoadedVersion, stale_edit
from core.fields import validate_only
from core.history import delete_as, save_as
from core.timezones import local_datetime
from mdt import attendance, printing
from mdt.agenda import urgency_key
from mdt.models import AgendaItem, Attendance, Meeting, Member, Preparation, Quorum, quorum_of


def _require_coordinator(user: Any, action: str) -> None:
    if not policy.can_build_agenda(user):
        raise PermissionDenied(f"Only an MDT or MSCC coordinator can {action}.")


def _editable_meeting(meeting_id: int) -> Meeting:
    """The meeting, locked so that concurrent agenda edits renumber one after the other."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    if meeting.status in (Meeting.Status.CONCLUDED, Meeting.Status.CANCELLED):
        raise ValidationError(
            {"meeting": f"This meeting is {meeting.get_status_display().lower()}: its agenda is final."}
        )
    return meeting


def _listed_items(meeting: Meeting) -> list[AgendaItem]:
    scans = Scan.objects.order_by("-requested_at", "-id")
    return list(
        meeting.items.listed()
        .select_related("case")
        .prefetch_related(Prefetch("case__scans", queryset=scans))
        .order_by("position", "id")
    )


def _renumber(items: list[AgendaItem], user: Any) -> None:
    """Positions 1..n in list order: new items are saved, moved ones updated in one query, each with history.

    A moved item's version goes up, so a form opened before the move cannot put it back unseen.
    """
    moved = []
    for position, item in enumerate(items, start=1):
        if item.pk is None:
            item.position = position
            save_as(user, item)
        elif item.position != position:
            item.position = position
            item.version += 1
            moved.append(item)
    if moved:
        bulk_update_with_history(moved, AgendaItem, ["position", "version"], default_user=user)


def _save_item(item: AgendaItem, user: Any, fields: list[str]) -> None:
    item.version += 1
    save_as(user, item, update_fields=[*fields, "version", "updated_at"])


def _insert_by_urgency(items: list[AgendaItem], new: AgendaItem) -> None:
    """Before the first listed item that is less urgent (the coordinator's manual moves stay)."""
    key = urgency_key(new)[:2]
    for index, item in enumerate(items):
        if urgency_key(item)[:2] > key:
            items.insert(index, new)
            return
    items.append(new)


def _items_to_list(
    meeting: Meeting, wanted: list[int], *, user: Any, late: bool, late_reason: str, sources: dict[int, str]
) -> tuple[list[AgendaItem], dict[str, Any]]:
    """The items to add (new, or withdrawn ones restored) and every rule they break, keyed by field."""
    scans = Scan.objects.order_by("-requested_at", "-id")
    cases = Case.objects.select_related("patient").prefetch_related(Prefetch("scans", queryset=scans)).in_bulk(wanted)
    on_agenda = {item.case_id: item for item in meeting.items.filter(case_id__in=wanted)}
    errors: dict[str, Any] = {}
    new_items: list[AgendaItem] = []
    for case_id in wanted:
        case = cases.get(case_id)
        item = on_agenda.get(case_id)
        if case is None:
            errors = ValidationError({"case": f"There is no case {case_id}."}).update_error_dict(errors)
        elif item is not None and item.status != AgendaItem.Status.WITHDRAWN:
            message = f"Case {case_id} is already on this meeting's agenda: a case is listed once per meeting."
            errors = ValidationError({"case": message}).update_error_dict(errors)
        elif item is not None:  # listing a withdrawn case again restores its item
            item.status, item.added_late = AgendaItem.Status.LISTED, late
            item.late_reason = late_reason.strip() if late else item.late_reason
            late_error = item.late_reason_error() if late else None
            if late_error:
                errors = ValidationError({"late_reason": late_error}).update_error_dict(errors)
            try:
                validate_only(item, "late_reason")
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
            new_items.append(item)
        else:
            item = AgendaItem(
                meeting=meeting,
                case=case,
                question=case.mdt_question,
                source=sources.get(case_id, AgendaItem.Source.ADDED),
                late_reason=late_reason.strip(),
                added_by=user,
            )
            try:
                item.full_clean()
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
            new_items.append(item)
    return new_items, errors


@transaction.atomic
def agenda_add_cases(
    *,
    meeting_id: int,
    case_ids: Iterable[int],
    user: Any,
    late_reason: str = "",
    sources: dict[int, str] | None = None,
) -> list[AgendaItem]:
    """List cases on a meeting's agenda, each at its place by urgency. All or nothing."""
    meeting = _editable_meeting(meeting_id)
    now = timezone.now()
    if not policy.can_list_case(user):
        raise PermissionDenied("Only members of the MDT can list a case.")
    if not policy.can_list_case(user, agenda_closed=meeting.agenda_is_closed(now)):
        raise PermissionDenied("The agenda has closed: only a coordinator can add a case now, with a reason.")
    wanted = list(dict.fromkeys(int(case_id) for case_id in case_ids))
    if not wanted:
        raise ValidationError({"case": "Choose at least one case to add."})
    new_items, errors = _items_to_list(
        meeting, wanted, user=user, late=meeting.agenda_is_closed(now), late_reason=late_reason, sources=sources or {}
    )
    if errors:
        raise ValidationError(errors)
    items = _listed_items(meeting)
    for item in new_items:
        _insert_by_urgency(items, item)
    for item in new_items:
        if item.pk is not None:
            _save_item(item, user, ["status", "added_late", "late_reason"])
    _renumber(items, user)
    for item in new_items:  # listed: the case is awaiting the MDT (cases.status)
        case_follow_events(case_id=item.case_id, events=[CaseEvent.LISTED], user=user)
    printing.prepare_soon(meeting.pk)  # the pack's new cases laid out by the worker once this commits
    return new_items


@transaction.atomic
def agenda_sort(*, meeting_id: int, user: Any) -> None:
    """Order the agenda by the default rule: suspected MSCC first, then clock urgency, then current order."""
    _require_coordinator(user, "order the agenda")
    meeting = _editable_meeting(meeting_id)
    _renumber(sorted(_listed_items(meeting), key=urgency_key), user)


@transaction.atomic
def agenda_item_move(*, item_id: int, direction: str, user: Any) -> AgendaItem:
    _require_coordinator(user, "order the agenda")
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move an item up or down."})
    item = AgendaItem.objects.get(pk=item_id)
    items = _listed_items(_editable_meeting(item.meeting_id))
    index = next((i for i, listed in enumerate(items) if listed.pk == item.pk), None)
    if index is None:
        raise ValidationError({"status": "Only a listed item can be moved."})
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
        _renumber(items, user)
    return items[other] if 0 <= other < len(items) else item


@transaction.atomic
def agenda_item_update(
    *, item_id: int, user: Any, question: str, presenter_id: int | None, loaded_version: LoadedVersion = NO_FORM
) -> AgendaItem:
    """Set the question for the MDT and who presents the case (refused if the item changed since the form
    opened, or if the page sent no version: the agenda page always sends `loaded_version`)."""
    _require_coordinator(user, "set the question or the presenter")
    _editable_meeting(AgendaItem.objects.values_list("meeting_id", flat=True).get(pk=item_id))
    item = AgendaItem.objects.select_for_update().get(pk=item_id)
    changes = stale_edit(item, loaded_version, field="question")
    if changes is not None:
        details = " ".join(changes)
        raise ValidationError(
            {
                "question": "Someone else changed this agenda item after you opened the page, so your changes "
                f"were not saved. {details + '. ' if details else ''}Reload the page and make your change again."
            }
        )
    presenter = None
    if presenter_id:
        presenter = Member.objects.filter(pk=presenter_id, active=True).first()
        if presenter is None:
            raise ValidationError({"presenter": "Choose an active member of the team to present."})
    item.question, item.presenter = question.strip(), presenter
    item.full_clean()
    _save_item(item, user, ["question", "presenter"])
    return item


@transaction.atomic
def agenda_item_withdraw(*, item_id: int, user: Any) -> AgendaItem:
    _require_coordinator(user, "withdraw a case from the agenda")
    item = AgendaItem.objects.get(pk=item_id)
    meeting = _editable_meeting(item.meeting_id)
    if item.status != AgendaItem.Status.LISTED:
        raise ValidationError({"status": "Only a listed item can be withdrawn."})
    item.status = AgendaItem.Status.WITHDRAWN
    _save_item(item, user, ["status"])
    _renumber(_listed_items(meeting), user)
    return item


@transaction.atomic
def agenda_item_set_prepared(*, item_id: int, user: Any, prepared: bool) -> AgendaItem:
    """A clinician marks (or unmarks) a case as reviewed by them before the meeting."""
    if not policy.can_mark_prepared(user):
        raise PermissionDenied("Only a clinician of the MDT can mark a case as prepared.")
    member = policy.member_of(user)
    assert member is not None
    item = AgendaItem.objects.select_related("meeting").get(pk=item_id)
    if item.status == AgendaItem.Status.WITHDRAWN or item.meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"item": "This case is no longer on the agenda."})
    existing = Preparation.objects.filter(item=item, member=member).first()
    if prepared and existing is None:
        save_as(user, Preparation(item=item, member=member))
    elif not prepared and existing is not None:
        delete_as(user, existing)  # one row at a time, so the history records who took the mark away
    return item


def _refuse_stale_attendance(meeting_id: int, loaded_version: LoadedVersion) -> None:
    """The meeting page's form records everyone at once: refused if any row changed since it was opened."""
    if loaded_version is NO_FORM:
        return
    if loaded_version is None:
        raise ValidationError({"present": MISSING_VERSION}, code="missing_version")
    if loaded_version != attendance.attendance_version(meeting_id):
        details = " ".join(f"{line}." for line in attendance.changes_since(meeting_id, loaded_version))
        raise ValidationError(
            {
                "present": "Someone else changed the attendance after you opened the page, so your changes were "
                f"not saved. {details + ' ' if details else ''}Reload the page and record it again."
            },
            code="stale_edit",
        )


@transaction.atomic
def attendance_record(
    *, meeting_id: int, user: Any, present_member_ids: Iterable[int], loaded_version: LoadedVersion = NO_FORM
) -> Quorum:
    """Record who is present (every active member, and anyone already recorded) and return the quorum.
    `loaded_version`: the meeting page's version of the attendance (`mdt.attendance`); a live confirmation
    of one person (NO_FORM) changes only that person's row, from the rows as they are now."""
    _require_coordinator(user, "record attendance")
    meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"meeting": "This meeting is cancelled: there is no attendance to record."})
    meeting.require_outcomes_open()
    present_ids = {int(member_id) for member_id in present_member_ids}
    recorded = {row.member_id: row for row in meeting.attendances.select_for_update(of=("self",))}
    _refuse_stale_attendance(meeting_id, loaded_version)
    members = Member.objects.filter(active=True) | Member.objects.filter(pk__in=[*recorded, *present_ids])
    roles: list[str] = []
    for member in members.distinct():
        present = member.pk in present_ids
        row = recorded.get(member.pk)
        if row is None:
            save_as(user, Attendance(meeting=meeting, member=member, present=present))
        elif row.present != present:
            row.present = present
            row.version += 1  # a workspace form opened before must not set it back
            save_as(user, row, update_fields=["present", "version"])
        if present:
            roles.append(member.role)
    return quorum_of(roles)


@dataclass(frozen=True)
class WeeklySchedule:
    first_date: dt.date
    starts: dt.time
    duration: dt.timedelta
    weeks: int
    agenda_closes_days_before: int
    agenda_closes: dt.time
    title: str = "Spinal metastases MDT"
    location: str = ""
    video_link: str = ""
    chair: Member | None = None


@transaction.atomic
def meetings_schedule_weekly(*, schedule: WeeklySchedule, user: Any) -> tuple[list[Meeting], list[Meeting]]:
    """Create a weekly meeting for each of the coming weeks. Returns (created, already there)."""
    _require_coordinator(user, "schedule meetings")
    if not 1 <= schedule.weeks <= 52:
        raise ValidationError({"weeks": "Schedule between 1 and 52 weeks at a time."})
    created: list[Meeting] = []
    existing: list[Meeting] = []
    for week in range(schedule.weeks):
        day = schedule.first_date + dt.timedelta(weeks=week)
        starts_at = local_datetime(day, schedule.starts)
        clash = Meeting.objects.active().filter(starts_at=starts_at).first()
        if clash is not None:
            existing.append(clash)
            continue
        meeting = Meeting(
            title=schedule.title,
            starts_at=starts_at,
            ends_at=starts_at + schedule.duration,
            agenda_closes_at=local_datetime(
                day - dt.timedelta(days=schedule.agenda_closes_days_before), schedule.agenda_closes
            ),
            location=schedule.location,
            video_link=schedule.video_link,
            chair=schedule.chair,
        )
        meeting.full_clean()
        save_as(user, meeting)
        created.append(meeting)
    return created, existing
