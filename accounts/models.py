"""Who opened which patient's record, who signed in and how, and the counters behind sign-in throttling.

Neither table holds clinical content: ids, kinds and times only.
"""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import models
from django.utils import timezone
from simple_history import register


class AccessRecord(models.Model):
    """One user opening one patient's record (a page, an agenda, a PDF, an admin form), or a referral about
    a patient (its page, the referrer's page, its advice letter), which names a patient before the service
    holds a record of them.

    `patient_id`, `case_id` and `referral_id` are plain numbers, not foreign keys: this app must not
    depend on `cases` or `referrals`, and a record of access must outlive any change to the record itself.
    A referral's record carries the patient too once the referral is linked to a case.
    """

    class Kind(models.TextChoices):
        PATIENT_PAGE = "patient_page", "Patient page"
        CASE_PAGE = "case_page", "Case page"
        AGENDA = "agenda", "Meeting agenda"
        PDF_DOWNLOAD = "pdf_download", "PDF download"
        ADMIN_CHANGE = "admin_change", "Admin change form"
        REPORT = "report", "Service audit report (breach list or case export)"
        API_READ = "api_read", "FHIR API read (by a system)"
        REFERRAL = "referral", "Referral (the service's page, the referrer's page or its advice letter)"

    # PROTECT: a user who opened records is deactivated, never deleted, so the trail stays whole.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_records")
    patient_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    referral_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField("opened at", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        # Written by the application only: nobody adds, changes or deletes one.
        default_permissions = ("view",)
        verbose_name = "access record"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(patient_id__isnull=False) | models.Q(referral_id__isnull=False),
                name="access_record_names_a_patient_or_a_referral",
            )
        ]

    def __str__(self) -> str:
        opened = f"patient {self.patient_id}" if self.patient_id else f"referral {self.referral_id}"
        return f"User {self.user_id} opened {opened} ({self.kind}) at {self.at:%Y-%m-%d %H:%M}"


class SignInRecord(models.Model):
    """One sign-in event: a success, a failure, a second factor set up or reset, a refusal.

    For auditors, beside the access records: `method` says how the user proved who they
    were. A failure for a username that does not exist has no user, and the typed username
    is never stored (it is often a password typed into the wrong box).
    """

    class Event(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        FAILED = "failed", "Sign-in failed"
        REFUSED = "refused", "Refused: no role mapped"
        NOT_STRONG_ENOUGH = "too_weak", "Refused: sign-in method not strong enough"
        ENROLLED = "enrolled", "Second factor set up"
        REMOVED = "removed", "Second factor removed"
        RESET = "reset", "Second factor reset by an administrator"
        SIGNED_OUT = "signed_out", "Signed out"

    class Method(models.TextChoices):
        SSO = "sso", "Single sign-on"
        PASSWORD = "password", "Password only"
        PASSWORD_TOTP = "password_totp", "Password and one-time code"
        PASSWORD_PASSKEY = "password_passkey", "Password and passkey"
        PASSWORD_RECOVERY = "password_recovery", "Password and recovery code"
        NONE = "", "Not applicable"

    # PROTECT: as for access records, users are deactivated, never deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="sign_in_records"
    )
    event = models.CharField(max_length=12, choices=Event.choices)
    method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    # Who did it, when it was not the user (an administrator's reset).
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        default_permissions = ("view",)  # written by the application only

    def __str__(self) -> str:
        how = self.get_method_display()
        return f"User {self.user_id}: {self.get_event_display()} ({how}) at {self.at:%Y-%m-%d %H:%M}"


class SignInThrottle(models.Model):
    """Sign-in attempts counted against one username or one client address.

    `key` is a keyed hash of the scope and the value, so the table never holds what
    people typed as a username (often a password typed into the wrong box).
    """

    class Scope(models.TextChoices):
        USERNAME = "username", "Username"
        ADDRESS = "address", "Client address"
        SECOND_FACTOR = "mfa", "Second factor of one account"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    key = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(db_index=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]}: {self.attempts} attempts"


# Who could do what, and who changed it: user accounts (with their groups and direct permissions) and
# the role groups keep history like the clinical record does. The password hash and the time of the
# last sign-in are left out: one is a secret, the other is in the access records and sign-in logs.
register(
    User,
    app="accounts",
    m2m_fields=["groups", "user_permissions"],
    excluded_fields=["password", "last_login"],
)
register(Group, app="accounts", m2m_fields=["permissions"])
