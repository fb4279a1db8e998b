"""Middleware for signed-in users: session limits, and no caching of what they see.

The session stores when its user signed in and when they were last active (Unix
times). `SessionLimitsMiddleware` signs the user out, with a message, once they have
been idle for `SESSION_IDLE_SECONDS` or signed in for longer than `SESSION_COOKIE_AGE`.
The absolute limit is real: activity never extends it, whatever the cookie says.

The expiry banner (static/js/session.js) sends the form typed into with the `KEEP_HEADER` header: never
acted on, it is kept if the session has ended (the answer, JSON, says so and where to sign in), and
answered 204 if it has not (the request was the activity), so what was typed is never lost to a reload.
"""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.cache import patch_cache_control

from accounts.policy import REFERRER_NAMESPACE, is_referrer_request, may_use_referrer_page
from core.drafts import KEPT, keep_post

SIGNED_IN_AT = "accounts.signed_in_at"
LAST_ACTIVE_AT = "accounts.last_active_at"
# Record activity at most once a minute (a tenth of the idle limit if that is shorter), so an
# active user's session is not written on every request; idle expiry may come that much early.
ACTIVITY_RESOLUTION_SECONDS = 60
# "Keep this form, do not act on it": the banner's post of what was typed (never a form's own submit).
KEEP_HEADER = "X-Keep-Typed"


def mark_signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in handler: the clocks start at every sign-in."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_ACTIVE_AT] = now


def _duration(seconds: int) -> str:
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        keeping = request.method == "POST" and request.headers.get(KEEP_HEADER) == "1"
        if keeping and not request.user.is_authenticated:
            # Signed out already (in another window): no user to keep it for; the page says to copy it.
            return JsonResponse({"kept": False, "sign_in": redirect_to_login(request.path)["Location"]})
        if request.user.is_authenticated:
            session = request.session
            now = time.time()
            # Sessions from before these limits existed start their clocks now.
            signed_in_at = float(session.setdefault(SIGNED_IN_AT, now))
            last_active_at = float(session.setdefault(LAST_ACTIVE_AT, now))
            idle = settings.SESSION_IDLE_SECONDS
            if now - last_active_at > idle:
                return self._sign_out(request, f"You were signed out after {_duration(idle)} without activity.")
            if now - signed_in_at > settings.SESSION_COOKIE_AGE:
                return self._sign_out(
                    request,
                    f"You were signed out because you signed in more than {_duration(settings.SESSION_COOKIE_AGE)} "
                    "ago. Please sign in again.",
                )
            if now - last_active_at >= min(ACTIVITY_RESOLUTION_SECONDS, idle / 10):
                session[LAST_ACTIVE_AT] = now
            if keeping:
                return HttpResponse(status=204)  # still signed in: the time is given back, nothing is saved
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest, message: str) -> HttpResponse:
        user_id = request.user.pk
        logout(request)  # flushes the session: its key and data are gone from the store
        # A form posted just too late: what was typed waits in the new session, for this user only,
        # and the form's page offers it again after signing in (core.drafts).
        keep_post(request, user_id)
        if request.session.get(KEPT):
            message += " What you typed was kept: sign in again to check it and save it."
        messages.info(request, message)
        # Come back to the same page after signing in (for a kept form, the page it came from).
        if request.method in ("GET", "HEAD"):
            next_url = request.get_full_path()
        elif request.session.get(KEPT):
            next_url = request.path
        else:
            next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
        if request.headers.get(KEEP_HEADER) == "1":
            return JsonResponse(
                {"kept": bool(request.session.get(KEPT)), "sign_in": redirect_to_login(next_url)["Location"]}
            )
        return redirect_to_login(next_url)


class NoStoreForSignedInMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user.

    Pages, PDFs and admin forms for a signed-in user carry patient details: no browser
    cache, shared workstation profile or proxy may keep a copy. Static files are served
    before this (by WhiteNoise) and stay cacheable.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class ReferrerConfinementMiddleware:
    """A referrer reaches the referral pages of the front door and nothing else (accounts.policy).

    Checked before any view runs, so a page added later is closed to referrers until it is put
    in the referrer namespace. The dashboard's address sends them to their referrals instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if not is_referrer_request(request):
            return None
        match = request.resolver_match
        # Views marked @login_not_required (sign-in, health check) are public: a referrer may see them too.
        public = getattr(view, "login_required", True) is False
        if match is not None and may_use_referrer_page(match.view_name, match.namespaces, public=public):
            return None
        if match is not None and match.url_name == "dashboard":
            return HttpResponseRedirect(reverse(f"{REFERRER_NAMESPACE}:home"))
        return render(request, "403.html", {"referrer": True}, status=403)
