"""The reminder outbox: one row per reminder, the database's record of what is owed to whom.

A row is created by the sweep when its trigger is due (reminders.derive), claimed and sent by
the sweep and the send task (reminders.sweep, reminders.delivery), and shown in the
recipient's list on the dashboard until they mark it done or act on the thing it is about.

What a reminder is about: one nullable foreign key per kind of subject (scan, case, meeting,
agenda item, decision, sign-off, follow-up), not a generic relation and not a
(subject_type, subject_id) pair. Each kind's "is this still needed?" rule is then an ordinary
join (`scan__reviewed_at__isnull=True`) that the sweep can run as one UPDATE for every row
of a kind, the admin and the dashboard can `select_related`, and the database keeps honest.
Every FK is `SET_NULL`: a deleted subject leaves the row behind with the FK empty, and the
sweep cancels it ("subject deleted") instead of crashing on it. `case` is filled for every
kind that has a patient, so the MRN is one join away for the emails, the admin search and
the dashboard.

Delivery state (`status`): pending -> sending -> sent, or failed, or cancelled. `claims`
counts the sweep's claims and is the token a send task carries: a message from an older
claim finds the number changed and does nothing. `attempts` counts delivery tries.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models import Case, Scan
from mdt.models import AgendaItem, Decision, FollowUp, Meeting, SignOff
from referrals.models import Advice, Referral

# Not sent and still to be sent (or resent): what the sweep's cancel step looks at.
UNSENT = ("pending", "failed")
# What a reminder can be about: one nullable FK each (see the module docstring), each with a partial index.
SUBJECTS = (
    "case",
    "scan",
    "meeting",
    "agenda_item",
    "decision",
    "sign_off",
    "follow_up",
    "referral",
    "referral_advice",
)


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def update(self, **kwargs: Any) -> int:
        """Every state change here is a conditional UPDATE: keep updated_at true for them too."""
        kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)

    def due(self, now: dt.datetime) -> "ReminderQuerySet":
        """Waiting to be claimed: pending and due by now (never "due exactly now": a late sweep catches up)."""
        return self.filter(status=Reminder.Status.PENDING, due_at__lte=now)

    def unsent(self) -> "ReminderQuerySet":
        return self.filter(status__in=(Reminder.Status.PENDING, Reminder.Status.SENDING))


class Reminder(models.Model):
    class Kind(models.TextChoices):
        MRI_REVIEW = "mri_review", "MRI waiting for review"
        MRI_NOT_PERFORMED = "mri_not_performed", "MRI requested, not performed, NICE target at risk"
        FOLLOW_UP_DUE_SOON = "follow_up_due_soon", "Follow-up due soon"
        FOLLOW_UP_OVERDUE = "follow_up_overdue", "Follow-up overdue"
        MEETING_AGENDA = "meeting_agenda", "Meeting agenda"
        OUTCOME_NOT_RECORDED = "outcome_not_recorded", "Outcome not recorded"
        DECISION_NOT_SIGNED = "decision_not_signed", "Decision not signed off"
        STEROIDS_ACTIVE = "steroids_active", "Steroids still active after treatment started"
        REFERRAL_NEW = "referral_new", "New referral to triage"
        REFERRAL_ACKNOWLEDGEMENT = "referral_acknowledgement", "Referral received (to the referrer)"
        REFERRAL_ADVICE = "referral_advice", "Advice given on a referral (to the referrer)"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    # Escalation step for kinds that escalate (MRI review: 0 radiologists, 1 responsible clinician,
    # 2 MSCC coordinators); 0 for the others.
    level = models.PositiveSmallIntegerField(default=0)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    # Someone with no account, by email only: the referrer of a referral taken by phone (the acknowledgement).
    recipient_email = models.EmailField("recipient's email (no account)", blank=True)
    # Made for a last-resort recipient (REMINDER_LAST_RESORT_USERNAMES) because nobody active held these roles
    # (their values, comma-separated): the email says so, so they act or fix the rota (HAZ-021). Empty otherwise.
    last_resort_for = models.CharField("last resort for the roles", max_length=200, blank=True)

    # What it is about (see the module docstring). Their partial indexes (Meta.indexes, SUBJECTS) serve
    # the sweep's "no reminder yet for this scan / item / sign-off" anti-joins.
    case = models.ForeignKey(Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False)
    scan = models.ForeignKey(Scan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    sign_off = models.ForeignKey(
        SignOff, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    # Referrals (the front door) have no case until accepted: the referral is the subject, and the
    # emails name it by its reference only.
    referral = models.ForeignKey(
        Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    referral_advice = models.ForeignKey(
        Advice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )

    due_at = models.DateTimeField("due at")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claims = models.PositiveIntegerField(default=0, help_text="Times claimed by a sweep: the send task's token.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Delivery tries.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    # While sending: when the current holder's claim runs out and the sweep takes the row back.
    lease_until = models.DateTimeField(null=True, blank=True)
    send_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Why it was cancelled or failed, or what happened last: words and ids, never patient data.
    status_reason = models.CharField(max_length=200, blank=True)
    done_at = models.DateTimeField(null=True, blank=True, help_text="Marked done by the recipient.")
    snoozed_until = models.DateTimeField(null=True, blank=True)
    # kind:subject:recipient[:level], e.g. mri-review:12:7:0. The same reminder cannot exist twice
    # (reminder_dedupe_key_unique).
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-id"]
        permissions = [("resend_reminder", "Can resend a failed reminder")]
        indexes = [
            # The sweep's claim (status = pending AND due_at <= now ORDER BY due_at, id) and
            # /healthz's count of overdue pending rows: only pending rows are in it.
            models.Index(fields=["due_at", "id"], name="reminder_pending_due_idx", condition=Q(status="pending")),
            # Claims that ran out (status = sending AND lease_until <= now), and /healthz.
            models.Index(fields=["lease_until"], name="reminder_sending_lease_idx", condition=Q(status="sending")),
            # /healthz's count of failed reminders, and the admin's "failed" filter.
            models.Index(fields=["due_at"], name="reminder_failed_idx", condition=Q(status="failed")),
            # The sweep's cancel step (reminders.sweep.cancel_resolved: unsent rows, pending or failed, by
            # kind): the few unsent rows, not the outbox of every reminder ever sent. The condition is
            # spelled as UNSENT is, so the planner can prove the sweep's queries imply it.
            models.Index(fields=["kind"], name="reminder_unsent_kind_idx", condition=Q(status__in=UNSENT)),
            # The dashboard's "My reminders": one recipient's rows not dismissed, newest due first.
            models.Index(
                fields=["recipient", "-due_at"],
                name="reminder_inbox_idx",
                condition=Q(done_at__isnull=True) & ~Q(status="cancelled"),
            ),
            # The subjects' FKs, for the sweep's "no reminder yet for this scan" anti-joins, the cancel step's
            # joins and SET_NULL: each row fills one to three of the nine, so each index holds only the rows
            # that have its subject. Full indexes took an entry for every NULL as well, six to eight more per
            # row written, at every insert and at every claim (the claim rewrites the row): about 40% of the
            # sweep's writes (measured on the L database: 9,181 WAL records for a claimed batch of 500, 5,068
            # without them; 364,000 for the 20,000 rows of an MRI-review INSERT, 202,000 without).
            # With the kind and level: the anti-join (kind = x AND level = n AND scan_id = ...) reads the index
            # alone, never the rows, so a sweep with nothing to do reads no table for the reminders it already
            # made (at size L: 6,000 MRI review rows per level, 4 ms a level, read from the table every minute).
            *(
                models.Index(
                    fields=[subject, "kind", "level"],
                    name=f"reminder_{subject}_idx",
                    condition=Q(**{f"{subject}__isnull": False}),
                )
                for subject in SUBJECTS
            ),
        ]
        constraints = [
            # A unique constraint, not unique=True: the same index, without the second one (for LIKE
            # 'prefix%' searches, never made on this key) that PostgreSQL gets for a unique text field.
            models.UniqueConstraint(fields=["dedupe_key"], name="reminder_dedupe_key_unique"),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="reminder_sent_has_sent_at"
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(recipient_email=""), name="reminder_has_a_recipient"
            ),
        ]

    def __str__(self) -> str:
        to = f"user {self.recipient_id}" if self.recipient_id else "an email address"
        return f"{self.get_kind_display()} #{self.pk} for {to}"

    @property
    def address(self) -> str:
        """Where the email goes: the user's address, or the one given for someone with no account."""
        return self.recipient.email if self.recipient is not None else self.recipient_email
