"""The patient's own letter after an MDT decision or after advice on a referral, and the formats
someone has to arrange for it.

One letter per decision, or per advice given on a referral from another hospital without an MDT
discussion (exactly one of the two: a database constraint): generated in plain language from it
(letters.plain_texts, letters.advice_texts), edited by a clinician, released once the decision is
signed off (an advice letter: while the advice is current). The safety-netting box (the
warning signs of cord compression and the 24-hour number) is printed by the letter's template
around the editable text, so no edit can take it out. A released letter is locked and records
who released it, when, in which format and to which name and address (the communication needs'
address when one is recorded, else the PAS's: cases.communication.letter_address), and where that
address came from.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases.models import Case, Patient
from core.concurrency import Versioned
from core.fields import LimitedTextField
from mdt.models import Decision
from referrals.models import Advice


class PatientLetter(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft: not yet released"
        RELEASED = "released", "Released"

    class Format(models.TextChoices):
        STANDARD = "standard", "Standard print"
        LARGE = "large", "Large print"

    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="patient_letter"
    )
    advice = models.OneToOneField(
        Advice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patient_letter",
        help_text="Advice on a referral from another hospital, given without an MDT discussion.",
    )
    # The patient the letter is to: the decision's case's, or the one the referral's NHS number found.
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="letters")
    body = LimitedTextField(
        max_length=10000, help_text="The letter's own words; the safety-netting box is printed around them."
    )
    print_format = models.CharField("format", max_length=10, choices=Format.choices, default=Format.STANDARD)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_to = LimitedTextField(
        max_length=1000, blank=True, help_text="The name and address the letter went to, as released."
    )
    address_source = models.CharField(
        max_length=10,
        blank=True,
        choices=[("needs", "Communication needs"), ("pas", "The PAS")],
        help_text="Where the address it went to came from, as released.",
    )
    drafted_to = LimitedTextField(
        max_length=500,
        blank=True,
        help_text="The address when the letter was drafted (to say if it changed).",
    )
    copies_to = LimitedTextField(max_length=2000, blank=True, help_text="Who was sent a copy, as released.")
    reading_grade = models.FloatField(null=True, blank=True, help_text="The released text's reading level.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(released_by__isnull=False) & Q(released_at__isnull=False) & ~Q(released_to="")),
                name="patient_letter_release_recorded",
                violation_error_message="A released letter records who released it, when and to whom.",
            ),
            models.CheckConstraint(
                condition=Q(decision__isnull=False, advice__isnull=True)
                | Q(decision__isnull=True, advice__isnull=False),
                name="patient_letter_one_source",
                violation_error_message="A letter explains one thing: an MDT decision or a referral's advice.",
            ),
        ]

    def __str__(self) -> str:
        source = f"decision {self.decision_id}" if self.decision_id else f"advice {self.advice_id}"
        return f"Patient letter {self.pk} ({source})"

    @property
    def case(self) -> Case | None:
        """The case the letter belongs to: the decision's; an advice letter's referral has none unless accepted."""
        if self.decision is not None:
            return self.decision.case
        return self.advice.referral.case if self.advice is not None else None

    @property
    def referrer(self) -> str:
        """Who asked the service to see the patient (they get a copy)."""
        if self.advice is not None:
            referral = self.advice.referral
            return ", ".join(part for part in (referral.referrer_name, referral.organisation.name) if part)
        return self.decision.case.referrer if self.decision is not None else ""

    def get_absolute_url(self) -> str:
        return reverse("letters:letter", args=[self.pk])

    @property
    def released(self) -> bool:
        return self.status == self.Status.RELEASED


class FormatTask(models.Model):
    """A format the patient needs that the app does not make (easy read, braille, audio): the
    coordinators arrange it and mark it done."""

    class Need(models.TextChoices):
        EASY_READ = "easy_read", "Easy read"
        BRAILLE = "braille", "Braille"
        AUDIO = "audio", "Audio"
        INTERPRETER = "interpreter", "Interpreter or translation"

    letter = models.ForeignKey(PatientLetter, on_delete=models.CASCADE, related_name="format_tasks")
    need = models.CharField(max_length=20, choices=Need.choices)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "need"], name="format_task_once_per_letter"),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="format_task_done_says_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_need_display()} for letter {self.letter_id}"
