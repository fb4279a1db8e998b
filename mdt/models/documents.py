"""Printed documents (agenda packs, outcome summaries, letters), built by the worker and kept.

A row is one build of one document from one set of inputs: `digest` is the SHA-256 of the HTML
the document is laid out from, so any change to what it prints (a new scan, an edited question, a
sign-off) makes a new digest and a new build, and an unchanged document is served from the row.
"""

from django.db import models
from django.utils import timezone


class PrintedDocument(models.Model):
    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda pack"
        OUTCOMES = "outcomes", "Meeting outcomes"
        LETTER = "letter", "Outcome letter"
        # Registered by the letters app (mdt.printing.register_source): the patient's own letter and
        # the information sheet, each in standard and large print.
        PATIENT_LETTER = "patient_letter", "Patient's letter"
        PATIENT_LETTER_LARGE = "patient_letter_large", "Patient's letter, large print"
        INFO_SHEET = "info_sheet", "Information sheet"
        INFO_SHEET_LARGE = "info_sheet_large", "Information sheet, large print"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the print worker"
        BUILDING = "building", "Laying out the pages"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be built"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.PositiveIntegerField(help_text="The meeting (agenda, outcomes) or decision (letter).")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the HTML laid out: what the document prints.")
    page_url = models.URLField(max_length=500, blank=True, help_text="The page the document links back to.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    build_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True, help_text="The exception's type only: never its text.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "digest"], name="printed_document_once_per_input"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_id} ({self.get_status_display()})"

    @property
    def ready(self) -> bool:
        return self.status == self.Status.READY


class PrintedSection(models.Model):
    """One case's pages of an agenda pack, laid out once for exactly this HTML and reused by every
    later build that prints the same (mdt.pdf.assemble_pack). The digest is the SHA-256 of the
    section's whole HTML, so any change to what it prints is a new section; rows not used for
    mdt.pdf.SECTION_KEEP are deleted by the next build."""

    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the section's HTML.")
    pdf = models.BinaryField(editable=False)
    pages = models.PositiveIntegerField()
    built_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Agenda pack section {self.digest[:12]} ({self.pages} pages)"
