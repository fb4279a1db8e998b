"""The service's advice on a referral, and the message thread between the service and the referrer.

Advice is never edited: the first `Advice` row is the advice (it stops the advice clock), and a
later change is a new row with `amends` pointing at the one it replaces and a reason, so the
referrer and the record keep every version (the letter shows the current one and says it amends).
Messages are append-only: further information from the referrer, answers from the service.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models import CLOCK_SKEW
from core.fields import LimitedTextField
from referrals.choices import Outcome, Precautions
from referrals.models.referrals import Referral


class AdviceQuerySet(models.QuerySet["Advice"]):
    def current(self) -> "AdviceQuerySet":
        return self.filter(superseded_by__isnull=True)


class Advice(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="advice")
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    advice = LimitedTextField("advice to the referrer", max_length=5000)
    precautions = models.CharField("spinal precautions", max_length=20, choices=Precautions.choices)
    stability_cleared_by = models.CharField(
        "stability cleared by", max_length=200, blank=True, help_text="Who cleared spinal stability (name, role)."
    )
    stability_cleared_at = models.DateTimeField("stability cleared at", null=True, blank=True)
    steroid_advice = LimitedTextField("steroid advice", max_length=2000, blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField()
    amends = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by")
    amendment_reason = LimitedTextField(max_length=2000, blank=True)

    history = HistoricalRecords()
    objects = AdviceQuerySet.as_manager()

    class Meta:
        ordering = ["given_at", "id"]
        verbose_name_plural = "advice"
        constraints = [
            models.CheckConstraint(
                condition=Q(amends__isnull=True) | ~Q(amendment_reason=""), name="advice_amendment_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"Advice on {self.referral} ({self.get_outcome_display()})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.precautions == Precautions.CLEARED and not (self.stability_cleared_by and self.stability_cleared_at):
            errors["stability_cleared_by"] = "Say who cleared spinal stability, and when."
        if self.stability_cleared_at and self.given_at and self.stability_cleared_at > self.given_at + CLOCK_SKEW:
            errors["stability_cleared_at"] = "Stability cannot be cleared after the advice is given."
        if self.amends_id and not self.amendment_reason.strip():
            errors["amendment_reason"] = "Say why the advice changes: the referrer sees the reason."
        if errors:
            raise ValidationError(errors)


class Message(models.Model):
    """One message on a referral's thread; the service and the referrer's organisation see them all."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_service = models.BooleanField(default=False)
    body = LimitedTextField(max_length=4000)
    sent_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"Message {self.pk} on {self.referral}"
