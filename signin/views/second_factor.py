"""The second step of a password sign-in: a one-time code, a recovery code or a passkey.

Every page here is open to a session that owes its second factor (see
`signin.middleware`), and to complete sessions (adding a passkey later, new codes).
Wrong codes count against the account's own throttle counter and the address's, as
wrong passwords do (`accounts.throttle`).
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts import throttle
from accounts.models import SignInRecord
from accounts.services import sign_in_record
from signin import recovery, session, totp
from signin.forms import CodeForm, TotpSetupForm
from signin.middleware import NEXT
from signin.models import Passkey, TotpDevice

Method = SignInRecord.Method
Event = SignInRecord.Event
SHOW_NEW_CODES = "signin.show_new_codes"
SETUP_SECRET = "signin.totp_setup_secret"  # noqa: S105 - a session key's name


def next_url(request: HttpRequest) -> str:
    """Where the user was going before the second step (a path on this site), else the dashboard."""
    wanted = request.session.pop(NEXT, "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return str(wanted)
    return str(settings.LOGIN_REDIRECT_URL)


def _refused_message() -> str:
    minutes = max(settings.LOGIN_COOLOFF_SECONDS // 60, 1)
    return (
        "That code was not accepted: type the code your app shows now (each code works once), "
        f"or an unused recovery code. After several wrong codes this step is paused for {minutes} minutes."
    )


def may_add_factor(request: HttpRequest) -> bool:
    """A session that still owes its second factor may set up a first one, never add another:
    else a stolen password alone could add the thief's phone and get past the owner's."""
    return not (session.is_pending(request) and session.has_second_factor(request.user))


def check_code(request: HttpRequest, code: str) -> str | None:
    """The method this code signs in with (one-time or recovery code), or None; throttled."""
    user: Any = request.user
    counters = throttle.second_factor_counters(user_id=int(user.pk), address=throttle.client_address(request))
    if not throttle.reserve_attempt(counters):
        return None
    method = None
    device = TotpDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and totp.verify(device.pk, code):
        method = Method.PASSWORD_TOTP
    elif recovery.looks_like_one(code) and recovery.use(user, code):
        method = Method.PASSWORD_RECOVERY
    if method is not None:
        throttle.attempt_succeeded(counters)
    return method


def finish(request: HttpRequest, method: str) -> HttpResponse:
    session.complete(request, method)
    return redirect(next_url(request))


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    if not session.is_pending(request):
        return redirect(next_url(request))
    user: Any = request.user
    has_totp = TotpDevice.objects.filter(user=user, confirmed=True).exists()
    has_passkey = Passkey.objects.filter(user=user).exists()
    if not has_totp and not has_passkey:
        if settings.MFA_REQUIRED:
            return redirect("signin:set-up")
        return finish(request, Method.PASSWORD)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        method = check_code(request, code)
        if method is not None:
            return finish(request, method)
        kind = Method.PASSWORD_RECOVERY if recovery.looks_like_one(code) else Method.PASSWORD_TOTP
        sign_in_record(user=user, event=Event.FAILED, method=kind, detail="wrong, used or paused second factor")
        form.add_error("code", _refused_message())
    return render(
        request,
        "signin/second_factor.html",
        {"form": form, "has_totp": has_totp, "has_passkey": has_passkey},
    )


@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app (scan, then prove with a code) or, from the same page, a passkey."""
    user: Any = request.user
    if not may_add_factor(request):
        return redirect("signin:second-factor")
    secret = request.session.get(SETUP_SECRET) or totp.new_secret()
    request.session[SETUP_SECRET] = secret
    form = TotpSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = totp.matching_step(secret, form.cleaned_data["code"])
        if step is None:
            form.add_error("code", "That code does not match: check the app shows this account, and the phone's time.")
        else:
            TotpDevice.objects.filter(user=user).delete()  # one app per account: a new one replaces the old
            TotpDevice.objects.create(user=user, secret=secret, confirmed=True, last_step=step)
            del request.session[SETUP_SECRET]
            return enrolled(request, Method.PASSWORD_TOTP, "authenticator app")
    issuer = settings.WEBAUTHN_RP_NAME
    uri = totp.provisioning_uri(TotpDevice(secret=secret), account=user.get_username(), issuer=issuer)
    return render(
        request,
        "signin/set_up.html",
        {"form": form, "secret": secret, "qr_svg": totp.qr_svg(uri), "pending": session.is_pending(request)},
    )


def enrolled(request: HttpRequest, method: str, what: str) -> HttpResponse:
    """A second factor was added: record it; a pending session is now complete; new recovery codes once."""
    sign_in_record(user=request.user, event=Event.ENROLLED, method=method, detail=what)
    if session.is_pending(request):
        session.complete(request, method)
    if not recovery.unused_count(request.user):
        request.session[SHOW_NEW_CODES] = True
        return redirect("signin:recovery-codes")
    return redirect(next_url(request) if request.session.get(NEXT) else "signin:security")


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown on this one response: only their hashes are kept.

    Reached once after the first second factor is set up (GET), or by asking for new ones
    (POST from the security page), which makes the old ones useless.
    """
    if session.is_pending(request):
        return redirect("signin:second-factor")
    if request.method == "POST" or request.session.pop(SHOW_NEW_CODES, False):
        codes = recovery.replace_codes(request.user)
        return render(request, "signin/recovery_codes.html", {"codes": codes, "next": next_url(request)})
    return redirect("signin:security")


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's own second factors: what is set up, add a passkey or app, new recovery codes."""
    user: Any = request.user
    return render(
        request,
        "signin/security.html",
        {
            "totp_devices": TotpDevice.objects.filter(user=user, confirmed=True),
            "passkeys": Passkey.objects.filter(user=user),
            "unused_codes": recovery.unused_count(user),
            "method": SignInRecord.Method(session.method_of(request) or Method.NONE).label,
        },
    )
