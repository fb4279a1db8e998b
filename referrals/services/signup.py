"""Referrer accounts: sign up on an allowed email domain, confirm by a one-time link, approval.

- Sign-up creates an inactive user (the username is the email) with a `Referrer` profile and the
  Referrer role, and emails a confirmation link. Sign-ups from one address are throttled like
  failed sign-ins (accounts.throttle). An email already registered gets the same answer on the
  page (no one learns who has an account) and an email saying so instead of a link.
- The link works once: its token hashes the confirmation time, which confirming sets. It expires
  after PASSWORD_RESET_TIMEOUT like Django's own one-time links.
- Confirming activates the user; a domain in REFERRER_AUTO_APPROVE_DOMAINS approves at once,
  any other waits for a coordinator (`referrer_approve`, from the workspace).
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts import throttle
from accounts.policy import can_approve_referrers
from accounts.roles import assign_referrer
from core.history import save_as
from referrals.models import Organisation, Referrer
from referrals.models.organisations import allowed_domains, email_domain, is_work_email


class ConfirmationTokens(PasswordResetTokenGenerator):
    key_salt = "referrals.signup.confirm"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        referrer = getattr(user, "referrer", None)
        confirmed = referrer.email_confirmed_at if referrer is not None else None
        return f"{user.pk}{timestamp}{user.is_active}{confirmed}"


tokens = ConfirmationTokens()


def validate_work_email(email: str) -> None:
    if not is_work_email(email):
        raise ValidationError(
            {"email": f"Sign up with your work email: an address ending {allowed_domains()}."}, code="email_domain"
        )


def confirmation_path(user: Any) -> str:
    return reverse("refer:confirm", args=[urlsafe_base64_encode(force_bytes(user.pk)), tokens.make_token(user)])


def _send(template: str, to: str, context: dict[str, Any]) -> None:
    subject = " ".join(render_to_string(f"emails/{template}-subject.txt", context).split())
    body = render_to_string(f"emails/{template}-body.txt", context)
    # After commit: an email for an account whose creation rolled back would be a broken link.
    transaction.on_commit(lambda: send_mail("[Spinal MDT] " + subject, body, settings.DEFAULT_FROM_EMAIL, [to]))


@transaction.atomic
def referrer_sign_up(
    *,
    email: str,
    given_name: str,
    family_name: str,
    password: str,
    organisation: Organisation,
    job_title: str,
    phone: str,
    address: str,
) -> None:
    """Create the inactive account and send the confirmation link (or an "already registered" email)."""
    email = email.strip().lower()
    validate_work_email(email)
    counters = throttle.sign_up_counters(address=address)
    if counters and not throttle.reserve_attempt(counters):
        raise ValidationError("Too many sign-ups from this address: try again later.", code="throttled")
    user_model = get_user_model()
    if user_model.objects.filter(email__iexact=email).exists() or user_model.objects.filter(username=email).exists():
        _send("referrer_exists", email, {"sign_in": settings.SITE_URL + reverse("login")})
        return
    if not organisation.active or organisation.is_service:
        raise ValidationError({"organisation": "Choose the hospital you refer from."})
    user = user_model(username=email, email=email, first_name=given_name.strip(), last_name=family_name.strip())
    user.is_active = False
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    referrer = Referrer(user=user, organisation=organisation, job_title=job_title.strip(), phone=phone.strip())
    referrer.full_clean()
    save_as(user, referrer)
    assign_referrer(user)
    _send("referrer_confirm", email, {"link": settings.SITE_URL + confirmation_path(user), "name": given_name})


@transaction.atomic
def referrer_confirm(*, uidb64: str, token: str) -> Referrer:
    """Confirm the email by the link: activate, and approve by rule. A used or expired link is refused."""
    try:
        user_id = int(urlsafe_base64_decode(uidb64).decode())
        referrer = Referrer.objects.select_for_update().select_related("user").get(user_id=user_id)
    except (ValueError, TypeError, UnicodeDecodeError, Referrer.DoesNotExist) as exc:
        raise ValidationError("This confirmation link is not valid.", code="bad_link") from exc
    user = referrer.user
    if referrer.email_confirmed_at is not None or not tokens.check_token(user, token):
        raise ValidationError(
            "This confirmation link has been used or has expired. Sign in, or sign up again for a new link.",
            code="used_link",
        )
    now = timezone.now()
    referrer.email_confirmed_at = now
    if email_domain(user.email) in settings.REFERRER_AUTO_APPROVE_DOMAINS:
        referrer.approved_at = now  # approved by rule: approved_by stays empty
    referrer.version += 1  # a workspace form opened before must not be saved over it unseen
    save_as(user, referrer)
    user.is_active = True
    user.save(update_fields=["is_active"])
    return referrer


@transaction.atomic
def referrer_approve(*, referrer_id: int, user: Any) -> Referrer:
    if not can_approve_referrers(user):
        raise PermissionDenied("Only the service's coordinators approve referrers.")
    referrer = Referrer.objects.select_for_update().get(pk=referrer_id)
    if referrer.approved_at is None:
        referrer.approved_at = timezone.now()
        referrer.approved_by = user
        referrer.version += 1
        save_as(user, referrer)
    return referrer
