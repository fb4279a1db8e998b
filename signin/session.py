"""What a session knows about how its user signed in.

Every `login()` (the sign-in page, the admin's login page, a test's `force_login`) runs
`mark_method`: a session opened by single sign-on is complete; any other is a password
session, and it is *pending* when the account has a second factor or the deployment
requires one. `signin.middleware.SecondFactorMiddleware` keeps a pending session on the
second-factor pages until `complete()` records the factor used.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from accounts.models import SignInRecord
from accounts.services import sign_in_record
from signin.models import Passkey, TotpDevice

METHOD = "signin.method"
PENDING = "signin.pending"
# Set on the user object by the single sign-on view just before `login()`.
SSO_MARK = "_signin_sso"
SSO_BACKEND = "signin.backends.SingleSignOnBackend"

Method = SignInRecord.Method


def has_second_factor(user: Any) -> bool:
    return bool(
        TotpDevice.objects.filter(user=user, confirmed=True).exists() or Passkey.objects.filter(user=user).exists()
    )


def mark_method(sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any) -> None:
    """user_logged_in handler."""
    if request is None or not hasattr(request, "session"):
        return
    if getattr(user, SSO_MARK, False):
        request.session[METHOD] = Method.SSO
        request.session[PENDING] = False
        return
    request.session[METHOD] = Method.PASSWORD
    request.session[PENDING] = bool(settings.MFA_REQUIRED or has_second_factor(user))
    if not request.session[PENDING]:
        sign_in_record(user=user, event=SignInRecord.Event.SIGNED_IN, method=Method.PASSWORD)


def is_pending(request: HttpRequest) -> bool:
    """Whether this signed-in session still owes a second factor.

    A session from before this app marked sessions (no method recorded) owes one too.
    """
    return bool(request.session.get(PENDING, METHOD not in request.session))


def complete(request: HttpRequest, method: str) -> None:
    """The second factor passed (or none is owed): a new session key, as at any change of privilege."""
    request.session.cycle_key()
    request.session[METHOD] = method
    request.session[PENDING] = False
    sign_in_record(user=request.user, event=SignInRecord.Event.SIGNED_IN, method=method)


def method_of(request: HttpRequest) -> str:
    return str(request.session.get(METHOD, ""))
