"""Systems that read the FHIR API, each with its own token and scopes.

A token is shown once, when it is issued, and only its SHA-256 digest is kept: a token is
32 random bytes, so a fast digest is as safe as a slow password hash and lets every request
find its client with one indexed lookup. `prefix` (the first characters) tells the
administrator which token a system holds without revealing it.

Each client reads through a system user of its own (no password, never active), so that the
access records name which system opened which patient, as they name people. Changes to a client
(scopes, on/off, a new token) keep their history, who made them included.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.concurrency import Versioned

TOKEN_PREFIX = "mdt_"  # noqa: S105 - the visible start of every token, not a secret
# The resource types a token can be scoped to (the FHIR API's resources, capability aside).
RESOURCE_TYPES = ("Patient", "Condition", "ImagingStudy", "Observation", "CarePlan", "Encounter")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiClient(Versioned):
    name = models.CharField(max_length=100, unique=True, help_text="The system, e.g. 'Trust data warehouse'.")
    scopes = models.JSONField(default=list, help_text="The FHIR resource types this system may read.")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(max_length=12, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, editable=False, related_name="api_client"
    )
    active = models.BooleanField(default=True, help_text="Untick to refuse the token at once.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Its scopes and its on/off switch are a system's access to patients' records: who changed them, and
    # when. The token's digest is left out (the prefix shows a new token), and so is the last use, which
    # is no change to access (integrations.fhir.auth stamps it without a history row).
    history = HistoricalRecords(excluded_fields=["token_hash", "last_used_at"])

    class Meta:
        verbose_name = "API client"
        ordering = ["name"]
        # The national dataset export (integrations/datasets) holds NHS numbers: its permission, granted to
        # coordinators in accounts/roles.py, lives on the integration layer's first model.
        permissions = [("export_dataset", "Can export the national cancer datasets (COSD, cancer waiting times)")]

    def __str__(self) -> str:
        return self.name

    def allows(self, resource_type: str) -> bool:
        return self.active and resource_type in self.scopes

    def clean(self) -> None:
        unknown = [scope for scope in self.scopes if scope not in RESOURCE_TYPES]
        if unknown:
            raise ValidationError({"scopes": f"Unknown resource type: {', '.join(unknown)}."})
