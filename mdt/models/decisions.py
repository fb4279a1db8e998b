"""MDT decisions, their sign-offs and the follow-ups they ask for (imported by mdt.models).

A decision is never edited once every named clinician has responded: it is locked,
and a later change is an amendment, a new Decision row that points at the one it
amends (kept, marked superseded) with who, when and why, and needs signing again.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.choices import TreatmentModality
from cases.models import CLOCK_SKEW, Case
from core.concurrency import Versioned
from core.fields import LimitedTextField
from mdt.models.meetings import Member, Quorum


class Treatment(models.TextChoices):
    """`mdt_decision` of docs/clinical-reference.md §8.2, as keys."""

    ANALGESIA = "analgesia", "Analgesia"
    STEROIDS = "steroids", "Steroids"
    PHYSIO_REHAB = "physio_rehab", "Physiotherapy and rehabilitation"
    BRACE = "brace", "Brace or orthosis"
    CEBRT = "cebrt", "Conventional radiotherapy (cEBRT)"
    SBRT = "sbrt_srs", "Stereotactic radiotherapy (SBRT/SRS)"
    DECOMPRESSION = "surgery_decompression", "Surgical decompression"
    STABILISATION = "surgery_stabilisation", "Surgical stabilisation"
    SEPARATION_SBRT = "separation_surgery_plus_sbrt", "Separation surgery then SBRT"
    MIS_FIXATION = "mis_percutaneous_fixation", "Minimally invasive (percutaneous) fixation"
    VERTEBROPLASTY = "vertebroplasty", "Vertebroplasty"
    KYPHOPLASTY = "kyphoplasty", "Kyphoplasty"
    SACT = "sact", "Systemic anti-cancer therapy"
    BEST_SUPPORTIVE_CARE = "best_supportive_care", "Best supportive care"
    FURTHER_IMAGING = "further_imaging", "Further imaging"


SURGICAL = frozenset(
    {
        Treatment.DECOMPRESSION,
        Treatment.STABILISATION,
        Treatment.SEPARATION_SBRT,
        Treatment.MIS_FIXATION,
        Treatment.VERTEBROPLASTY,
        Treatment.KYPHOPLASTY,
    }
)
RADIOTHERAPY = frozenset({Treatment.CEBRT, Treatment.SBRT})
# What a decision may give while the plan waits for more imaging: the investigation itself and the measures
# of the meantime (pain relief, steroids, physiotherapy, a brace). With nothing beyond these, further imaging
# means no treatment plan is agreed yet (HAZ-026).
MEANTIME = frozenset(
    {Treatment.FURTHER_IMAGING, Treatment.ANALGESIA, Treatment.STEROIDS, Treatment.PHYSIO_REHAB, Treatment.BRACE}
)


def modality_of(treatments: list[str]) -> str:
    """The modality that starts the case's clocks: surgery first (separation surgery precedes its SBRT)."""
    chosen = set(treatments)
    if chosen & SURGICAL:
        return TreatmentModality.SURGERY
    if chosen & RADIOTHERAPY:
        return TreatmentModality.RADIOTHERAPY
    if Treatment.SACT in chosen:
        return TreatmentModality.SYSTEMIC
    return TreatmentModality.SUPPORTIVE


class Intent(models.TextChoices):
    CURATIVE = "curative", "Curative or long-term control"
    PALLIATIVE = "palliative", "Palliative: local control and symptom relief"
    SUPPORTIVE = "supportive", "Supportive care only"


class DecisionQuerySet(models.QuerySet["Decision"]):
    def current(self) -> "DecisionQuerySet":
        return self.exclude(status=Decision.Status.SUPERSEDED)

    def urgent_unratified(self) -> "DecisionQuerySet":
        return self.current().filter(urgent=True, ratified_at__isnull=True)


class Decision(Versioned):
    class Status(models.TextChoices):
        AWAITING_SIGNOFF = "awaiting_signoff", "Awaiting sign-off"
        SIGNED = "signed", "Signed off (locked)"
        SUPERSEDED = "superseded", "Superseded by an amendment"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    agenda_item = models.ForeignKey(
        "mdt.AgendaItem", on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    urgent = models.BooleanField(default=False, help_text="Made between meetings; listed for ratification.")
    treatments = models.JSONField(default=list, blank=True)
    no_treatment = models.BooleanField("no active treatment", default=False)
    intent = models.CharField(max_length=20, choices=Intent.choices)
    rationale = LimitedTextField(max_length=5000)  # a letter paragraph, not a case history
    patient_preferences_considered = models.BooleanField("the patient's preferences were considered", default=False)
    patient_preferences_note = LimitedTextField("the patient's preferences", blank=True, max_length=2000)
    decided_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_SIGNOFF)
    amends = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="amended_by")
    amendment_reason = LimitedTextField(blank=True, max_length=2000)
    ratified_at = models.DateTimeField(null=True, blank=True)
    ratified_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="ratifies",
        help_text="The meeting decision that ratified this urgent one.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["decided_at", "id"]
        indexes = [
            # The case page's decision history and the urgent-decisions-to-ratify candidate source.
            models.Index(fields=["case", "decided_at"], name="decision_case_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agenda_item"],
                condition=~Q(status="superseded"),
                name="decision_one_current_per_item",
                violation_error_message="This agenda item already has a decision: amend it instead.",
            ),
            models.CheckConstraint(
                condition=Q(amends__isnull=True) | ~Q(amendment_reason=""),
                name="decision_amendment_has_reason",
                violation_error_message="An amendment needs a reason.",
            ),
            models.CheckConstraint(
                condition=Q(urgent=True) | Q(agenda_item__isnull=False),
                name="decision_at_meeting_or_urgent",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision {self.pk} for case {self.case_id}"

    def get_absolute_url(self) -> str:
        return reverse("decision-detail", args=[self.pk])

    @property
    def locked(self) -> bool:
        return self.status != Decision.Status.AWAITING_SIGNOFF

    @property
    def treatment_labels(self) -> list[str]:
        labels = dict(Treatment.choices)
        return [labels.get(key, key) for key in self.treatments]

    @property
    def modality(self) -> str:
        return TreatmentModality.SUPPORTIVE if self.no_treatment else modality_of(self.treatments)

    @property
    def awaits_further_imaging(self) -> bool:
        """Further imaging chosen with nothing beyond the measures of the meantime: the treatment plan (and
        the decision to treat) is still to come, so the decision stops no clock (HAZ-026)."""
        chosen = set(self.treatments)
        return not self.no_treatment and Treatment.FURTHER_IMAGING in chosen and chosen <= MEANTIME

    @property
    def meeting_quorum(self) -> Quorum | None:
        """The quorum of the meeting the decision was made at (`Quorum`: which of the quorum roles nobody was
        recorded present in), for a decision loaded by mdt.selectors.decisions_for_display (its
        `present_<role>` annotations); None for an urgent decision, or one loaded without them (HAZ-027)."""
        flags = [getattr(self, f"present_{role}", None) for role in Member.QUORUM_ROLES]
        if self.urgent or self.agenda_item_id is None or None in flags:
            return None
        absent = [role for role, present in zip(Member.QUORUM_ROLES, flags, strict=True) if not present]
        return Quorum(missing=tuple(absent))

    @property
    def includes_radiotherapy(self) -> bool:
        """Any radiotherapy chosen, alone or with surgery, cement augmentation or anything else."""
        return not self.no_treatment and bool(set(self.treatments) & RADIOTHERAPY)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        unknown = [key for key in self.treatments if key not in Treatment.values]
        if unknown:
            errors["treatments"] = f"Unknown treatment: {', '.join(unknown)}."
        elif not self.treatments and not self.no_treatment:
            errors["treatments"] = "Choose at least one treatment, or mark the decision as no active treatment."
        elif self.treatments and self.no_treatment:
            errors["no_treatment"] = "A decision with treatments chosen is not 'no active treatment'."
        if not (self.rationale or "").strip():
            errors["rationale"] = "Give the rationale for the decision."
        if self.decided_at and self.decided_at > timezone.now() + CLOCK_SKEW:
            errors["decided_at"] = "A decision cannot be dated in the future."
        if self.amends_id and not (self.amendment_reason or "").strip():
            errors["amendment_reason"] = "Say why the decision is being amended."
        if errors:
            raise ValidationError(errors)


class SignOff(models.Model):
    """A named responsible clinician's response to a decision: agree, or dissent with a reason. A signer who
    left the team before signing is replaced (mdt.services.signoffs): their row is kept, marked replaced,
    with who was named instead as its reason."""

    class Response(models.TextChoices):
        PENDING = "pending", "Not yet signed"
        AGREE = "agree", "Agrees"
        DISSENT = "dissent", "Dissents"
        REPLACED = "replaced", "Left the team before signing"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="signoffs")
    member = models.ForeignKey("mdt.Member", on_delete=models.PROTECT, related_name="signoffs")
    response = models.CharField(max_length=10, choices=Response.choices, default=Response.PENDING)
    reason = LimitedTextField(blank=True, max_length=2000)
    responded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "member"],
                name="signoff_once_per_member",
                violation_error_message="This clinician is already named on the decision.",
            ),
            models.CheckConstraint(
                condition=~Q(response="dissent") | ~Q(reason=""),
                name="signoff_dissent_has_reason",
                violation_error_message="A dissent needs a reason.",
            ),
            models.CheckConstraint(
                condition=~Q(response="replaced") | ~Q(reason=""),
                name="signoff_replaced_says_by_whom",
                violation_error_message="A replaced signer's row says who was named instead.",
            ),
        ]
        indexes = [
            # "Decision not signed off" reminders: pending sign-offs only.
            models.Index(fields=["member"], name="signoff_pending_idx", condition=Q(response="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.member} on decision {self.decision_id}: {self.get_response_display()}"


# Neither completed nor cancelled: what is still owed to the patient (followup_open_due_idx).
# A Q so that the reminders of a follow-up can ask the same question through their FK.
FOLLOW_UP_OPEN = Q(completed_at__isnull=True, cancelled_at__isnull=True)


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def open(self) -> "FollowUpQuerySet":
        return self.filter(FOLLOW_UP_OPEN)

    def closed(self) -> "FollowUpQuerySet":
        return self.exclude(FOLLOW_UP_OPEN)


class FollowUp(models.Model):
    """Something a decision asks for after the meeting, owned by one clinician.

    It is open until its owner (or a coordinator) completes it, with a note of what happened,
    or cancels it with a reason; an overdue one stays on the lists until then. Each change is
    kept in its history with who made it.
    """

    class Kind(models.TextChoices):
        REPEAT_MRI = "repeat_mri", "Repeat MRI after treatment"
        CLINIC_REVIEW = "clinic_review", "Clinic review"
        POST_OP_REVIEW = "post_op_review", "Post-operative review"
        STEROID_REVIEW = "steroid_review", "Steroid review"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    owner = models.ForeignKey("mdt.Member", on_delete=models.PROTECT, related_name="follow_ups")
    rediscuss = models.BooleanField("bring back to the MDT when due", default=False)
    note = models.CharField(max_length=300, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_note = LimitedTextField(
        "outcome", blank=True, max_length=2000, help_text="What happened: the result, the plan."
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = LimitedTextField("reason for cancelling", blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # Follow-ups due soon or overdue (dashboard, reminders, MDT candidates, the follow-up
            # list): open ones only.
            models.Index(
                fields=["due_on"],
                name="followup_open_due_idx",
                condition=Q(completed_at__isnull=True, cancelled_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="followup_completed_or_cancelled",
                violation_error_message="A follow-up is either completed or cancelled, not both.",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="followup_cancel_has_reason",
                violation_error_message="Say why the follow-up is cancelled.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_on:%d %b %Y}"

    def kind_in_sentence(self) -> str:
        """The kind as it reads inside a sentence: only the first letter lowered ("repeat MRI after treatment")."""
        label = str(self.get_kind_display())
        return label[:1].lower() + label[1:]

    @property
    def is_open(self) -> bool:
        return self.completed_at is None and self.cancelled_at is None

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def state_label(self) -> str:
        if self.completed_at:
            return "Completed"
        if self.cancelled_at:
            return "Cancelled"
        return "Overdue" if self.overdue else "Due"

    @staticmethod
    def early_due_error(due_on: dt.date, not_before: dt.date) -> str | None:
        """The rule for every path (form and service): never due before the day of the decision.

        `not_before` is the meeting's day for a decision made in a meeting, else the day it is recorded.
        """
        if due_on < not_before:
            return (
                f"A follow-up cannot be due before the meeting or the decision: {not_before:%d %b %Y} at the earliest."
            )
        return None
