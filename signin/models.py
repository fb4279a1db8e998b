"""How people prove who they are beyond a password, and who they are at the identity provider.

- `ProviderIdentity`: one account at the trust's OpenID Connect provider (issuer + subject,
  the provider's stable id for a person) linked to one user here. Created at the person's
  first single sign-on; never matched by name or email, which can be reused or changed.
- `TotpDevice`: an authenticator app's shared secret. `last_step` is the 30-second step of
  the last code accepted: a code is accepted once only (replays are refused).
- `Passkey`: a WebAuthn credential (a security key, a phone, Windows Hello); the public key
  only, never anything secret. `sign_count` catches a cloned authenticator.
- `RecoveryCode`: one-time codes for a lost device, stored as keyed hashes only: the plain
  codes are shown once, when they are made.
- `SecondFactorReset`: an administrator's reset of a user's second factors (a lost or broken
  device), with the reason; the reset itself is `signin.services.second_factor_reset`.

Devices and passkeys keep their history (simple_history), secrets excluded.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class ProviderIdentity(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_identities")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="provider_identity_once")]
        verbose_name_plural = "provider identities"

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"


class TotpDevice(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_devices")
    name = models.CharField(max_length=60, default="Authenticator app")
    secret = models.CharField(max_length=64)  # base32, as authenticator apps expect
    confirmed = models.BooleanField(default=False)
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["secret", "last_step", "last_used_at"])

    class Meta:
        verbose_name = "authenticator app"

    def __str__(self) -> str:
        return f"{self.name} of user {self.user_id}"


class Passkey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys")
    name = models.CharField(max_length=60, default="Passkey")
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url, as the browser sends it
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["public_key", "sign_count", "last_used_at"])

    def __str__(self) -> str:
        return f"{self.name} of user {self.user_id}"


class RecoveryCode(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Recovery code of user {self.user_id}{' (used)' if self.used_at else ''}"


class SecondFactorReset(models.Model):
    """An administrator cleared a user's second factors; they set new ones at their next sign-in."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="second_factor_resets")
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, help_text="e.g. phone lost on 3 Dec; identity checked in person")
    removed = models.CharField(max_length=200, blank=True, help_text="what was removed")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at"]
        default_permissions = ("add", "view")

    def __str__(self) -> str:
        return f"Second factors of user {self.user_id} reset by {self.performed_by_id} at {self.at:%Y-%m-%d %H:%M}"
