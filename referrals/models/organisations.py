"""The hospitals that refer, the service's own, and the referrers who belong to them.

A referrer is a user with a `Referrer` profile (their organisation, job, phone) and the
Referrer role (accounts.roles), which confines them to the referral pages of their own
organisation (accounts.policy). They sign up themselves on an allowed email domain, confirm
the address by a one-time link, and are approved by rule or by a coordinator (referrals.signup).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.concurrency import Versioned

# ODS codes of NHS trusts and sites: letters and digits, 3 to 6 characters (e.g. RRV, RAN01).
ODS_CODE = re.compile(r"[A-Z0-9]{3,6}")


def validate_ods_code(value: str) -> None:
    if not ODS_CODE.fullmatch(value):
        raise ValidationError(
            "An ODS code is 3 to 6 capital letters or digits (e.g. RRV or RAN01); %(value)s is not.",
            code="ods_code",
            params={"value": value},
        )


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def is_work_email(email: str) -> bool:
    """On one of REFERRER_EMAIL_DOMAINS: where referrers sign up, and where the service emails anyone."""
    return email_domain(email) in settings.REFERRER_EMAIL_DOMAINS


def allowed_domains() -> str:
    return ", ".join("@" + d for d in settings.REFERRER_EMAIL_DOMAINS)


class Organisation(Versioned):
    name = models.CharField(max_length=200)
    ods_code = models.CharField(
        "ODS code",
        max_length=6,
        unique=True,
        validators=[validate_ods_code],
        error_messages={"unique": "An organisation with this ODS code already exists."},
    )
    region = models.CharField(max_length=100, blank=True)
    is_service = models.BooleanField(
        "the service's own organisation", default=False, help_text="The regional spinal/MSCC service itself."
    )
    active = models.BooleanField(default=True, help_text="Inactive organisations cannot be chosen for new referrals.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            # One organisation is the service; the advice letter is written on its behalf.
            models.UniqueConstraint(fields=["is_service"], condition=Q(is_service=True), name="one_service_org"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"

    def clean(self) -> None:
        self.ods_code = (self.ods_code or "").strip().upper()


class Referrer(Versioned):
    """A referring clinician's account details; the user row holds name, email and password."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrer")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrers")
    job_title = models.CharField(max_length=100, help_text="e.g. Acute oncology registrar")
    phone = models.CharField(max_length=30, help_text="A number the service can call back on, day or night.")
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "user__last_name", "id"]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.organisation.ods_code})"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None and self.email_confirmed_at is not None
