"""The live meeting: which case the shared screen shows, how long each case took, who checked in.

One `LiveSession` per meeting: the case on the shared screen (`current_item`), whether its outcome
is being recorded (`phase`) and a `version` that every change raises (the followers' screens ask
for it: live.selectors.state_tag). `CaseTiming` rows are the periods each case was on the screen
(a case gone back to has several). A `CheckIn` is an attendee saying "I am here"; the coordinator
confirms it, which records the attendance (mdt's Attendance, through mdt's attendance service).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mdt.models import AgendaItem, Meeting, Member


class LiveSession(models.Model):
    class Phase(models.TextChoices):
        DISCUSSING = "discussing", "Discussing"
        RECORDING = "recording", "Outcome being recorded"

    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="live")
    current_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.DISCUSSING)
    version = models.PositiveIntegerField(default=1, help_text="Raised by every change the followers must see.")
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="live_session_ends_after_start",
                violation_error_message="A live meeting cannot end before it started.",
            ),
        ]

    def __str__(self) -> str:
        return f"Live meeting {self.meeting_id}"

    @property
    def ended(self) -> bool:
        return self.ended_at is not None


class CaseTiming(models.Model):
    """One period during which a case was on the shared screen."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="case_timings")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="timings")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["meeting", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(ended_at__isnull=True),
                name="case_timing_one_open_per_meeting",
                violation_error_message="Only one case is on the screen at a time.",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="case_timing_ends_after_start",
                violation_error_message="A case cannot leave the screen before it came on.",
            ),
        ]
        indexes = [models.Index(fields=["item", "started_at"], name="case_timing_item_idx")]

    def __str__(self) -> str:
        return f"Item {self.item_id} from {self.started_at:%H:%M}"


class CheckIn(models.Model):
    """An attendee's "I am here" on the live screen, and the coordinator's confirmation of it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="check_ins")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="check_ins")
    checked_in_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                name="check_in_once_per_member",
                violation_error_message="You have already marked yourself present at this meeting.",
            ),
        ]

    def __str__(self) -> str:
        return f"Member {self.member_id} at meeting {self.meeting_id}"


class StandardOfCare(models.Model):
    """A listed case reviewed against an agreed standard of care instead of a full discussion (the
    national MDT streamlining guidance): the protocol it follows, recorded by a lead clinician. The
    meeting's live screen passes over it; its outcome is still recorded, as every case's."""

    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="standard_of_care")
    protocol = models.CharField(
        "protocol followed",
        max_length=200,
        help_text="The agreed protocol's name and version, as the service names it.",
    )
    note = models.TextField("how the case meets it", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True, help_text="Back to a full discussion.")

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "standard of care reviews"
        constraints = [
            models.CheckConstraint(
                condition=~Q(protocol=""),
                name="standard_of_care_names_protocol",
                violation_error_message="Name the protocol the case follows.",
            ),
        ]

    def __str__(self) -> str:
        return f"Item {self.item_id}: standard of care ({self.protocol})"
