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

from cases.choices import EsccGradeChoice
from core.concurrency import Versioned
from core.fields import LimitedTextField
from mdt.models import AgendaItem, Decision, Meeting, Member, Treatment


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
    note = LimitedTextField("how the case meets it", max_length=2000, blank=True)
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


class Delivery(models.Model):
    """What was actually delivered of one treatment an MDT decision chose, and when; or why it was not."""

    class Reason(models.TextChoices):
        PATIENT_CHOICE = "patient_choice", "The patient's choice"
        DETERIORATION = "deterioration", "Deterioration"
        DEATH = "death", "The patient died"
        NEW_INFORMATION = "new_information", "New clinical information changed the plan"
        OTHER = "other", "Another reason (in the note)"

    class Source(models.TextChoices):
        TEAM = "team", "Entered by the team"
        FEED = "feed", "From a hospital feed"

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="deliveries")
    treatment = models.CharField(max_length=40, choices=Treatment.choices)
    delivered_on = models.DateField("delivered on", null=True, blank=True)
    reason = models.CharField("why not delivered", max_length=30, choices=Reason.choices, blank=True)
    note = LimitedTextField(max_length=2000, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TEAM)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "treatment"],
                name="delivery_once_per_treatment",
                violation_error_message="This treatment's delivery is already recorded.",
            ),
            models.CheckConstraint(
                condition=(Q(delivered_on__isnull=False) & Q(reason=""))
                | (Q(delivered_on__isnull=True) & ~Q(reason="")),
                name="delivery_date_or_reason",
                violation_error_message="Give the date it was delivered, or why it was not.",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {self.decision_id}: {self.treatment}"

    @property
    def delivered(self) -> bool:
        return self.delivered_on is not None


class Trial(Versioned):
    """An open clinical trial of the service's local list, with simple eligibility rules: each rule left
    blank admits everyone (live.trials matches them to the cases on an agenda)."""

    class PreviousRadiotherapy(models.TextChoices):
        ANY = "any", "Either"
        REQUIRED = "required", "Required"
        EXCLUDED = "excluded", "Excluded"

    name = models.CharField(max_length=200, unique=True)
    reference = models.CharField(max_length=100, blank=True, help_text="e.g. the trial's registry number.")
    open = models.BooleanField(default=True, help_text="Recruiting: matched to the cases on the agenda.")
    primary_sites = models.JSONField(default=list, blank=True, help_text="Primary sites admitted; none: any.")
    escc_min = models.PositiveSmallIntegerField(
        "lowest ESCC grade", choices=EsccGradeChoice.choices, null=True, blank=True
    )
    escc_max = models.PositiveSmallIntegerField(
        "highest ESCC grade", choices=EsccGradeChoice.choices, null=True, blank=True
    )
    sins_min = models.PositiveSmallIntegerField("lowest SINS", null=True, blank=True)
    sins_max = models.PositiveSmallIntegerField("highest SINS", null=True, blank=True)
    ecog_max = models.PositiveSmallIntegerField("highest ECOG", null=True, blank=True)
    previous_radiotherapy = models.CharField(
        "previous radiotherapy to the site", max_length=10, choices=PreviousRadiotherapy.choices, default="any"
    )
    contact = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(escc_min__isnull=True) | Q(escc_max__isnull=True) | Q(escc_min__lte=F("escc_max")),
                name="trial_escc_range",
                violation_error_message="The lowest ESCC grade cannot be above the highest.",
            ),
            models.CheckConstraint(
                condition=Q(sins_min__isnull=True) | Q(sins_max__isnull=True) | Q(sins_min__lte=F("sins_max")),
                name="trial_sins_range",
                violation_error_message="The lowest SINS cannot be above the highest.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrialConsideration(models.Model):
    """What a decision records about trials: considered or not, which trial, and why not."""

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="trial_consideration")
    considered = models.BooleanField("trial considered")
    trial = models.ForeignKey(Trial, on_delete=models.PROTECT, null=True, blank=True, related_name="considerations")
    why_not = LimitedTextField(
        "why not", max_length=2000, blank=True, help_text="Why no trial was considered, or why not entered."
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(considered=False, trial__isnull=True) | Q(considered=True, trial__isnull=False),
                name="trial_consideration_names_trial",
                violation_error_message="Name the trial considered, or record that none was.",
            ),
            models.CheckConstraint(
                condition=Q(considered=True) | ~Q(why_not=""),
                name="trial_consideration_why_not",
                violation_error_message="Say why no trial was considered.",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {self.decision_id}: trial {'considered' if self.considered else 'not considered'}"
