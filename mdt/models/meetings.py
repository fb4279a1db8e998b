"""The MDT process: team roles, meetings, their agendas, attendance and preparation."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.choices import MemberRole
from cases.choices import CaseStatus
from cases.models import Case
from core.concurrency import Versioned
from core.fields import LimitedTextField


class Member(Versioned):
    """A user's role in the MDT. Who may do what with each role is accounts.policy's to say."""

    Role = MemberRole  # declared in accounts, where access is decided from it

    # A meeting is quorate with at least one of each of these present: the three specialties a
    # treatment decision for spinal metastases needs in the room.
    QUORUM_ROLES = (Role.ONCOLOGIST, Role.SPINAL_SURGEON, Role.RADIOLOGIST)

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    role = models.CharField(max_length=30, choices=Role.choices)
    job_title = models.CharField(max_length=200, blank=True, help_text="e.g. Consultant clinical oncologist")
    active = models.BooleanField(default=True)

    history = HistoricalRecords()  # a role change changes what a person may do: who changed it, and when

    class Meta:
        ordering = ["role", "user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def has_left(self) -> bool:
        """Their team role ended, or their account was deactivated: they no longer sign or write care."""
        return not (self.active and self.user.is_active)


class PeriodicRun(models.Model):
    """When each periodic task last ran: /healthz reads it to show that beat and a worker are alive."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()
    # What the run had to report to the people on call (the reminder sweep: the kinds whose derivation
    # failed, by key, comma-separated; HAZ-050). Ids and kinds only, never patient data.
    detail = models.CharField(max_length=500, blank=True, default="")

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at:%Y-%m-%d %H:%M:%S}"


@dataclass(frozen=True)
class Quorum:
    """Which of the quorum roles were present; `missing` names the absent ones."""

    missing: tuple[str, ...]

    @property
    def met(self) -> bool:
        return not self.missing

    @property
    def missing_labels(self) -> list[str]:
        return [Member.Role(role).label.lower() for role in self.missing]


def quorum_of(present_roles: Iterable[str]) -> Quorum:
    present = set(present_roles)
    return Quorum(missing=tuple(role for role in Member.QUORUM_ROLES if role not in present))


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def upcoming(self, now: dt.datetime | None = None) -> "MeetingQuerySet":
        """Not yet over (in progress counts), soonest first."""
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "id")

    def past(self, now: dt.datetime | None = None) -> "MeetingQuerySet":
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-id")

    def active(self) -> "MeetingQuerySet":
        return self.exclude(status=Meeting.Status.CANCELLED)


class Meeting(Versioned):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        IN_PROGRESS = "in_progress", "In progress"
        CONCLUDED = "concluded", "Concluded"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200, default="Spinal metastases MDT")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    agenda_closes_at = models.DateTimeField(
        "agenda closes at", help_text="After this time only a coordinator can add a case, and gives a reason."
    )
    location = models.CharField(max_length=200, blank=True)
    video_link = models.URLField("video link", blank=True)
    chair = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True, related_name="chaired_meetings")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [
            # The meetings list and "Next meetings": ends_at >= now ORDER BY starts_at, and the past ones.
            models.Index(fields=["ends_at", "starts_at"], name="meeting_ends_starts_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(agenda_closes_at__lte=F("starts_at")),
                name="meeting_agenda_closes_before_start",
                violation_error_message="The agenda must close before the meeting starts.",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message="The meeting must end after it starts.",
            ),
            # Two live meetings of the service at the same time is a scheduling slip.
            models.UniqueConstraint(
                fields=["starts_at"],
                condition=~Q(status="cancelled"),
                name="meeting_one_live_per_start",
                violation_error_message="Another meeting already starts at this time.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {timezone.localtime(self.starts_at):%a %d %b %Y %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("meeting-detail", args=[self.pk])

    def agenda_is_closed(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.agenda_closes_at

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    def require_outcomes_open(self, now: dt.datetime | None = None, field: str = "meeting") -> None:
        """Outcomes, attendance and sign-off belong to the meeting itself, so they are recorded from its start.

        Recording them days ahead would mark a plan agreed that nobody discussed and stop the
        one-week clock early (docs/clinical-reference.md §7.5). A decision needed sooner is an
        urgent decision, which has its own path and is ratified at the next meeting.
        """
        if not self.has_started(now):
            starts = timezone.localtime(self.starts_at)
            raise ValidationError(
                {
                    field: f"The meeting starts at {starts:%H:%M on %d %b %Y}: outcomes, attendance and sign-off "
                    "are recorded from then. For a decision that cannot wait, record an urgent decision."
                }
            )
        if self.status == Meeting.Status.CANCELLED:
            raise ValidationError({field: "This meeting is cancelled: nothing is recorded against it."})

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_at and self.agenda_closes_at and self.agenda_closes_at > self.starts_at:
            errors["agenda_closes_at"] = "The agenda must close before the meeting starts."
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The meeting must end after it starts."
        saved = self._saved()
        if self.starts_at and self.starts_at < timezone.now() and (saved is None or saved[0] != self.starts_at):
            errors["starts_at"] = "A meeting cannot be scheduled in the past."
        if saved is not None and saved[1] == Meeting.Status.CONCLUDED and self.status != Meeting.Status.CONCLUDED:
            # Its decisions, attendance and carried-forward cases stand: reopening would let them be rewritten.
            errors["status"] = "This meeting is concluded and its record is final: its status cannot change."
        elif (
            self.status in (Meeting.Status.IN_PROGRESS, Meeting.Status.CONCLUDED)
            and (saved is None or saved[1] != self.status)
            and self.starts_at
            and not self.has_started()
        ):
            errors["status"] = "A meeting is under way or concluded only from its start time."
        if errors:
            raise ValidationError(errors)

    def _saved(self) -> tuple[dt.datetime, str] | None:
        """(starts_at, status) as saved, or None for a new meeting."""
        if self.pk is None:
            return None
        return Meeting.objects.filter(pk=self.pk).values_list("starts_at", "status").first()


class AgendaItemQuerySet(models.QuerySet["AgendaItem"]):
    def listed(self) -> "AgendaItemQuerySet":
        """On the agenda: everything but withdrawn items."""
        return self.exclude(status=AgendaItem.Status.WITHDRAWN)


class AgendaItem(Versioned):
    """A case on a meeting's agenda. One case at most once per meeting."""

    class Status(models.TextChoices):
        LISTED = "listed", "Listed"
        DISCUSSED = "discussed", "Discussed"
        NOT_DISCUSSED = "not_discussed", "Not discussed: carried forward"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Source(models.TextChoices):
        """Why the case was listed (the candidate source it came from)."""

        AWAITING_MDT = "awaiting_mdt", "Awaiting MDT"
        NEW_MRI_REPORT = "new_mri_report", "New MRI report"
        CARRIED_FORWARD = "carried_forward", "Not discussed at the last meeting"
        FOLLOW_UP = "follow_up", "Follow-up asks for re-discussion"
        RATIFICATION = "ratification", "Urgent decision to ratify"
        ADDED = "added", "Added by hand"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0, help_text="The coordinator's order on the agenda.")
    question = LimitedTextField("question for the MDT", blank=True, max_length=2000)
    presenter = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="presented_items"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LISTED)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.ADDED)
    added_late = models.BooleanField(default=False, help_text="Added after the agenda closed.")
    late_reason = LimitedTextField("reason for adding late", blank=True, max_length=1000)
    outcome_reason = LimitedTextField(
        "reason", blank=True, max_length=1000, help_text="Why the case was withdrawn or not discussed."
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            # Also the index for "the agenda of meeting X" (meeting_id is its first column).
            models.UniqueConstraint(
                fields=["meeting", "case"],
                name="agenda_item_case_once_per_meeting",
                violation_error_message="This case is already on this meeting's agenda.",
            ),
            models.CheckConstraint(
                condition=Q(added_late=False) | ~Q(late_reason=""),
                name="agenda_item_late_needs_reason",
                violation_error_message="A case added after the agenda closed needs a reason.",
            ),
        ]
        indexes = [
            # The items still waiting for an outcome (the sweep's "outcome not recorded", every minute): the
            # few listed ones, not a read of every item ever discussed (8,000 at size L).
            models.Index(fields=["meeting"], name="agenda_item_listed_idx", condition=Q(status="listed")),
        ]

    def __str__(self) -> str:
        return f"Case {self.case_id} on meeting {self.meeting_id}"

    def late_reason_error(self) -> str | None:
        """The rule for every path that lists a case after its meeting's agenda closed: say why."""
        if self.late_reason.strip():
            return None
        closed = timezone.localtime(self.meeting.agenda_closes_at)
        return f"The agenda closed at {closed:%H:%M on %d %b %Y}: give a reason for adding this case late."

    def clean(self) -> None:
        """The rules for listing a case when an item is added, and for changing one already listed."""
        if not self.case_id or not self.meeting_id:
            return
        if self.pk is not None:
            self._clean_change()
            return
        errors: dict[str, str] = {}
        case, meeting = self.case, self.meeting
        if case.status == CaseStatus.CLOSED:
            errors["case"] = f"Case {case.pk} is closed: reopen it before listing it for the MDT."
        elif case.patient.died_on:
            errors["case"] = f"The patient of case {case.pk} has died: a case cannot be listed after death."
        now = timezone.now()
        if meeting.status == Meeting.Status.CANCELLED:
            errors["meeting"] = "This meeting is cancelled: list the case on another meeting."
        elif meeting.has_started(now):
            errors["meeting"] = "This meeting has already started or is in the past: cases can no longer be added."
        elif meeting.agenda_is_closed(now):
            self.added_late = True
            if late := self.late_reason_error():
                errors["late_reason"] = late
        if errors:
            raise ValidationError(errors)

    def _clean_change(self) -> None:
        """A listed item keeps its case and meeting; its outcome follows the meeting and its decision.

        Whatever path edits the item (the workspace, the pages), a decision stays beside the patient it
        was made for, a decided item is not withdrawn or listed again, and outcomes wait for the meeting.
        """
        saved = AgendaItem.objects.filter(pk=self.pk).values("case_id", "meeting_id", "status").first()
        if saved is None:
            return
        errors: dict[str, str] = {}
        if saved["case_id"] != self.case_id:
            errors["case"] = "The case of a listed item cannot change: withdraw this item and list the right case."
        if saved["meeting_id"] != self.meeting_id:
            errors["meeting"] = "A listed item stays on its meeting: withdraw it here and list the case on the other."
        if errors or saved["status"] == self.status:
            if errors:
                raise ValidationError(errors)
            return
        meeting = Meeting.objects.get(pk=self.meeting_id)
        has_decision = self.decisions.exclude(status="superseded").exists()
        if has_decision:
            errors["status"] = "This case has a decision recorded: amend the decision instead."
        elif meeting.status == Meeting.Status.CONCLUDED:
            errors["status"] = "This meeting is concluded: its outcomes are final."
        elif self.status == AgendaItem.Status.DISCUSSED:
            errors["status"] = "A case is marked discussed by recording its decision."
        elif self.status == AgendaItem.Status.NOT_DISCUSSED:
            meeting.require_outcomes_open(field="status")
        if errors:
            raise ValidationError(errors)


class Preparation(models.Model):
    """A clinician's mark that they reviewed an agenda item before the meeting."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="preparations")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="preparations")
    prepared_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()  # unmarking deletes the row: its history keeps who prepared and when

    class Meta:
        ordering = ["prepared_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "member"],
                name="preparation_once_per_member",
                violation_error_message="You have already marked this case as prepared.",
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.item_id} prepared by member {self.member_id}"


class Attendance(Versioned):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendances")
    present = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "member__role", "id"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="attendance_once_per_member",
                violation_error_message="This member's attendance is already recorded for this meeting.",
            ),
        ]

    def __str__(self) -> str:
        return f"Member {self.member_id} {'present' if self.present else 'absent'} at meeting {self.meeting_id}"

    def clean(self) -> None:
        """Taken at the meeting: a new row, or a changed one, from its start."""
        if not self.meeting_id:
            return
        saved = Attendance.objects.filter(pk=self.pk).values_list("present", flat=True).first() if self.pk else None
        if saved is None or saved != self.present:
            Meeting.objects.get(pk=self.meeting_id).require_outcomes_open()
