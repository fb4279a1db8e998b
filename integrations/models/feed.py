"""The PAS feed's audit trail: every HL7 v2 message received, what was done with it, and why.

- `FeedMessage`: one row per message received, with the raw text, its acknowledgement code
  and the outcome. It holds patient data, so it lives in the database only: logs name the
  row id, the message type and the acknowledgement code, never the content. The same
  message control id is applied at most once: a partial unique constraint allows one
  *applied* row per control id; a resend of an applied message is recorded as a duplicate
  and acknowledged as before, and changes nothing.
  A message applied in part (`needs_review`) waits for a coordinator, who marks it reviewed with a
  note of what was done (`reviewed_at`, `reviewed_by`, `review_note`), which clears the flag.
- `FeedFieldValue`: the last value the feed sent for each field of each record. A field whose
  value in the record differs from the last value the feed sent was corrected by a person
  since: the feed does not overwrite it.
- `FeedConflict`: a field the feed wanted to change but did not, because a person had
  corrected it; open until a coordinator settles it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.fields import LimitedTextField

REVIEW_NOTE_MAX = 500


class FeedMessage(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        DUPLICATE = "duplicate", "Duplicate of an applied message (nothing changed)"
        ERROR = "error", "Application error (AE)"
        REJECTED = "rejected", "Rejected (AR)"

    class Ack(models.TextChoices):
        AA = "AA", "Accepted"
        AE = "AE", "Error"
        AR = "AR", "Rejected"

    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    control_id = models.CharField("message control id", max_length=50, blank=True, db_index=True)
    message_type = models.CharField(max_length=20, blank=True, help_text="e.g. ADT^A08, ORU^R01")
    raw = models.TextField(help_text="The message as received (patient data: never logged).")
    status = models.CharField(max_length=20, choices=Status.choices)
    ack_code = models.CharField(max_length=2, choices=Ack.choices)
    outcome = models.TextField(blank=True, help_text="What was done, or why not.")
    patient = models.ForeignKey(
        "cases.Patient", on_delete=models.PROTECT, null=True, blank=True, related_name="feed_messages"
    )
    needs_review = models.BooleanField(
        default=False,
        help_text="Applied in part: something in it (a procedure code not mapped...) needs a coordinator.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = LimitedTextField(
        "what was done",
        max_length=REVIEW_NOTE_MAX,
        blank=True,
        help_text="e.g. delivery entered by hand, code added to the mapping.",
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        default_permissions = ("view",)
        constraints = [
            # Idempotency: a control id is applied once, whatever the number of resends.
            models.UniqueConstraint(
                fields=["control_id"], condition=Q(status="applied"), name="feedmessage_applied_once"
            ),
            # Reviewed: by someone, saying what was done, and no longer waiting.
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True)
                | (Q(needs_review=False) & Q(reviewed_by__isnull=False) & ~Q(review_note="")),
                name="feedmessage_reviewed_with_note",
            ),
        ]
        indexes = [
            # The coordinators' count and list of messages waiting for review.
            models.Index(fields=["-received_at"], name="feedmessage_review_idx", condition=Q(needs_review=True)),
        ]

    def __str__(self) -> str:
        return f"{self.message_type or 'message'} {self.control_id or '(no id)'}: {self.ack_code}"


class FeedFieldValue(models.Model):
    """The last value the feed sent for `field` of the record `model`/`object_id`."""

    model = models.CharField(max_length=40, help_text="e.g. cases.patient")
    object_id = models.BigIntegerField()
    field = models.CharField(max_length=40)
    value = models.TextField(blank=True)
    message = models.ForeignKey(FeedMessage, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["model", "object_id", "field"], name="feedfieldvalue_one_per_field"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} {self.field}"


class FeedConflict(models.Model):
    """The feed sent `feed_value` for a field a person had corrected to `record_value`: not applied."""

    model = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    patient = models.ForeignKey("cases.Patient", on_delete=models.PROTECT, related_name="feed_conflicts")
    field = models.CharField(max_length=40)
    record_value = models.TextField(blank=True)
    feed_value = models.TextField(blank=True)
    message = models.ForeignKey(FeedMessage, on_delete=models.PROTECT, related_name="conflicts")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("resolve_feedconflict", "Can settle a conflict between the PAS feed and the record")]
        default_permissions = ("view",)
        indexes = [
            # The coordinators' list of open conflicts.
            models.Index(fields=["-created_at"], name="feedconflict_open_idx", condition=Q(resolved_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"Patient {self.patient_id}: {self.field}"
