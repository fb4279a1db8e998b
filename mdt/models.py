"""The MDT process. This issue's part: team roles and the record of periodic runs."""

from django.conf import settings
from django.db import models


class Member(models.Model):
    """A user's role in the MDT. Scans are reviewed and decisions signed by clinical roles only."""

    class Role(models.TextChoices):
        ONCOLOGIST = "oncologist", "Oncologist"
        SPINAL_SURGEON = "spinal_surgeon", "Spinal surgeon"
        RADIOLOGIST = "radiologist", "Radiologist"
        MSCC_COORDINATOR = "mscc_coordinator", "MSCC coordinator"
        MDT_COORDINATOR = "mdt_coordinator", "MDT coordinator"
        PALLIATIVE_CARE = "palliative_care", "Palliative care"
        PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
        NURSE_SPECIALIST = "nurse_specialist", "Nurse specialist"

    # Roles whose review of an MRI counts as specialist review (domain.md 8.1).
    SCAN_REVIEWER_ROLES = frozenset({Role.RADIOLOGIST, Role.ONCOLOGIST, Role.SPINAL_SURGEON})
    COORDINATOR_ROLES = frozenset({Role.MSCC_COORDINATOR, Role.MDT_COORDINATOR})

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    role = models.CharField(max_length=30, choices=Role.choices)
    job_title = models.CharField(max_length=200, blank=True, help_text="e.g. Consultant clinical oncologist")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["role", "user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.get_role_display()})"

    @property
    def can_review_scans(self) -> bool:
        return self.active and self.role in self.SCAN_REVIEWER_ROLES

    @property
    def is_coordinator(self) -> bool:
        return self.role in self.COORDINATOR_ROLES


class PeriodicRun(models.Model):
    """When each periodic task last ran: /healthz reads it to show that beat and a worker are alive."""

    name = models.CharField(max_length=100, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at:%Y-%m-%d %H:%M:%S}"
