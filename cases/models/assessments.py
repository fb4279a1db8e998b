"""Scores recorded on a case: SINS per level, revised Tokuhashi, Tomita.

One table for all three: the scoring tables in cases/scoring.py drive the forms,
the validation and the totals, so a new score version needs no new model. Each
row keeps its component values, the score version, the total and band computed
when it was recorded, who scored it, when, and the scan it rests on. Proxy
models give each score its own admin page and queryset.
"""

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import ModelSignal, post_delete, post_save
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cases import scoring
from cases.models.record import CLOCK_SKEW, Case
from cases.models.scans import Scan
from core.fields import LimitedTextField


class ScoreKind(models.TextChoices):
    SINS = "sins", "SINS"
    TOKUHASHI = "tokuhashi", "Revised Tokuhashi"
    TOMITA = "tomita", "Tomita"


# The version recorded for new assessments of each kind; old rows keep theirs.
CURRENT_VERSION: dict[str, str] = {
    ScoreKind.SINS: scoring.SINS.version,
    ScoreKind.TOKUHASHI: scoring.TOKUHASHI_REVISED.version,
    ScoreKind.TOMITA: scoring.TOMITA.version,
}


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def of_kind(self, kind: str) -> "AssessmentQuerySet":
        return self.filter(kind=kind)

    def latest_first(self) -> "AssessmentQuerySet":
        return self.order_by("-assessed_at", "-id")


class Assessment(models.Model):
    KIND: ClassVar[str | None] = None  # set on the proxies

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=20, choices=ScoreKind.choices)
    version = models.CharField(max_length=40, help_text="Score version, e.g. tokuhashi_revised_2005.")
    level = models.CharField("spinal level", max_length=8, blank=True, help_text="SINS is scored per level.")
    components = models.JSONField(default=dict, help_text="Component key -> chosen option key.")
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=40, blank=True)
    complete = models.BooleanField(default=False)
    scan = models.ForeignKey(
        Scan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        help_text="The imaging this score rests on.",
    )
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments")
    assessed_at = models.DateTimeField(default=timezone.now)
    note = LimitedTextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_at", "-id"]
        indexes = [
            # The case page and agenda: latest assessments of each kind for a set of cases.
            models.Index(fields=["case", "kind", "-assessed_at"], name="assessment_case_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="sins") | ~Q(level=""),
                name="assessment_sins_has_level",
                violation_error_message="SINS is scored per level: give the level.",
            ),
            models.CheckConstraint(
                condition=Q(complete=False, total__isnull=True) | Q(complete=True, total__isnull=False),
                name="assessment_total_iff_complete",
            ),
        ]

    def __str__(self) -> str:
        where = f" at {self.level}" if self.level else ""
        total = self.total if self.complete else "incomplete"
        return f"{self.get_kind_display()}{where}: {total}"

    @property
    def definition(self) -> scoring.ScoreDefinition:
        return scoring.SCORES[self.version]

    def result(self) -> scoring.ScoreResult:
        """The result from the stored components, by the stored version's tables."""
        return scoring.calculate(self.version, self.components)

    @property
    def band_label(self) -> str:
        return self.result().band_label or ""

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.version not in scoring.SCORES:
            errors["version"] = f"Unknown score version {self.version!r}."
        else:
            try:
                self.result()
            except ValueError as exc:
                errors["components"] = str(exc)
        if self.kind == ScoreKind.SINS:
            if not self.level:
                errors["level"] = "SINS is scored per level: give the level."
            else:
                try:
                    self.level = scoring.normalise_level(self.level)
                except ValueError as exc:
                    errors["level"] = str(exc)
        if self.scan is not None and self.case_id and self.scan.case_id != self.case_id:
            errors["scan"] = "That scan belongs to another case."
        if self.assessed_at and self.assessed_at > timezone.now() + CLOCK_SKEW:
            errors["assessed_at"] = "An assessment cannot be dated in the future."
        if errors:
            raise ValidationError(errors)


class _KindManager(models.Manager["Assessment"]):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def get_queryset(self) -> AssessmentQuerySet:
        return AssessmentQuerySet(self.model, using=self._db).filter(kind=self.kind)


class SinsAssessment(Assessment):
    KIND = ScoreKind.SINS
    objects = _KindManager(ScoreKind.SINS)  # type: ignore[assignment, misc]

    class Meta:
        proxy = True
        verbose_name = "SINS assessment"


class TokuhashiAssessment(Assessment):
    KIND = ScoreKind.TOKUHASHI
    objects = _KindManager(ScoreKind.TOKUHASHI)  # type: ignore[assignment, misc]

    class Meta:
        proxy = True
        verbose_name = "revised Tokuhashi assessment"


class TomitaAssessment(Assessment):
    KIND = ScoreKind.TOMITA
    objects = _KindManager(ScoreKind.TOMITA)  # type: ignore[assignment, misc]

    class Meta:
        proxy = True
        verbose_name = "Tomita assessment"


PROXY_BY_KIND: dict[str, type[Assessment]] = {
    ScoreKind.SINS: SinsAssessment,
    ScoreKind.TOKUHASHI: TokuhashiAssessment,
    ScoreKind.TOMITA: TomitaAssessment,
}


def _sent_as_assessment(sender: type[Assessment], signal: ModelSignal, **kwargs: Any) -> None:
    signal.send(sender=Assessment, **kwargs)


def connect_proxy_history() -> None:
    """A proxy's save or delete (each score's workspace page) sent again as Assessment's: Django names the proxy
    as the sender and django-simple-history listens for Assessment only, so those changes wrote no history."""
    for proxy in PROXY_BY_KIND.values():
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(_sent_as_assessment, sender=proxy, dispatch_uid=f"cases.{proxy.__name__}.history.{name}")


def apply_result(assessment: Assessment) -> scoring.ScoreResult:
    """Set total, band and complete from the components (raises ValueError for a bad option)."""
    result = assessment.result()
    assessment.total = result.total
    assessment.band = result.band or ""
    assessment.complete = result.complete
    return result
