"""The patient's own letter after an MDT decision, and the formats someone has to arrange for it.

One letter per decision: generated in plain language from the decision (letters.plain_texts),
edited by a clinician, released once the decision is signed off. The safety-netting box (the
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

from core.concurrency import Versioned
from core.fields import LimitedTextField
from mdt.models import Decision


class PatientLetter(Versioned):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft: not yet released"
        RELEASED = "released", "Released"

    class Format(models.TextChoices):
        STANDARD = "standard", "Standard print"
        LARGE = "large", "Large print"

    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="patient_letter")
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
        ]

    def __str__(self) -> str:
        return f"Patient letter {self.pk} (decision {self.decision_id})"

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
