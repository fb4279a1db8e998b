"""The MSCC coordinator on duty: a simple rota of who answers new referrals from when to when.

A new referral's alert goes to the coordinators on duty when it is sent (reminders.kinds.referrals);
with nobody on duty, or only people who have since left the team, it goes to every MSCC coordinator
(the MDT coordinators when there is none), so an alert never goes to nobody. Shifts may overlap (both
are alerted) and may leave gaps (everyone is alerted). Kept in the coordinators' workspace, with history.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.policy import COORDINATOR_ROLES
from core.concurrency import Versioned
from mdt.models import Member


class DutyShiftQuerySet(models.QuerySet["DutyShift"]):
    def on_duty(self, at: dt.datetime) -> "DutyShiftQuerySet":
        """Shifts covering `at` (from its start, up to but not including its end) of people still able to
        act on a referral: an active account and an active coordinator's role in the team."""
        return self.filter(
            starts_at__lte=at,
            ends_at__gt=at,
            coordinator__is_active=True,
            coordinator__member__active=True,
            coordinator__member__role__in=COORDINATOR_ROLES,
        )


class DutyShift(Versioned):
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="duty_shifts",
        help_text="An MSCC or MDT coordinator: new referrals alert them while on duty.",
    )
    starts_at = models.DateTimeField("on duty from")
    ends_at = models.DateTimeField("on duty until")
    note = models.CharField(max_length=200, blank=True, help_text="e.g. a phone number or a swap agreed.")

    history = HistoricalRecords()
    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = "MSCC coordinator on duty"
        verbose_name_plural = "MSCC coordinators on duty (the rota)"
        indexes = [models.Index(fields=["ends_at", "starts_at"], name="duty_shift_window_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="duty_shift_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.coordinator.get_full_name() or self.coordinator.get_username()} on duty"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "A shift ends after it starts."
        if self.coordinator_id is not None:
            member = Member.objects.filter(user_id=self.coordinator_id).first()
            if member is None or not member.active or member.role not in COORDINATOR_ROLES:
                errors["coordinator"] = "Only an active MSCC or MDT coordinator can be on duty for referrals."
        if errors:
            raise ValidationError(errors)
