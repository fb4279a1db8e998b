"""Passkey endpoints for static/js/passkeys.js: JSON in, JSON out, CSRF-checked like every POST.

Open to a session that owes its second factor (to sign in with a passkey, or to set up a
first one) and to complete sessions (to add one).
"""

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts import throttle
from accounts.models import SignInRecord
from accounts.services import sign_in_record
from signin import passkeys, session
from signin.views.second_factor import enrolled, may_add_factor, next_url

logger = logging.getLogger(__name__)
Method = SignInRecord.Method


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _refused(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_POST
def register_options(request: HttpRequest) -> HttpResponse:
    if not may_add_factor(request):
        return _refused("Use your second factor first.", status=403)
    return HttpResponse(passkeys.registration_options(request, request.user), content_type="application/json")


@require_POST
def register(request: HttpRequest) -> HttpResponse:
    if not may_add_factor(request):
        return _refused("Use your second factor first.", status=403)
    body = _body(request)
    try:
        passkeys.register(request, request.user, body.get("credential") or {}, str(body.get("name") or ""))
    except passkeys.PasskeyRefused as exc:
        logger.info("Passkey registration refused for user %s: %s", request.user.pk, exc)
        return _refused("The passkey could not be set up. Try again.")
    response = enrolled(request, Method.PASSWORD_PASSKEY, "passkey")
    return JsonResponse({"redirect": response["Location"]})


@require_POST
def authenticate_options(request: HttpRequest) -> HttpResponse:
    if not session.is_pending(request):
        return _refused("Already signed in.", status=403)
    return HttpResponse(passkeys.authentication_options(request, request.user), content_type="application/json")


@require_POST
def authenticate(request: HttpRequest) -> HttpResponse:
    if not session.is_pending(request):
        return _refused("Already signed in.", status=403)
    user: Any = request.user
    counters = throttle.second_factor_counters(user_id=int(user.pk), address=throttle.client_address(request))
    if not throttle.reserve_attempt(counters):
        sign_in_record(user=user, event=SignInRecord.Event.FAILED, method=Method.PASSWORD_PASSKEY, detail="paused")
        return _refused("Too many failed attempts: the second step is paused for a while. Try again later.", 429)
    try:
        passkeys.authenticate(request, user, _body(request).get("credential") or {})
    except passkeys.PasskeyRefused as exc:
        logger.info("Passkey refused for user %s: %s", user.pk, exc)
        sign_in_record(user=user, event=SignInRecord.Event.FAILED, method=Method.PASSWORD_PASSKEY, detail="refused")
        return _refused("This passkey was not accepted. It may have been removed from your account.")
    throttle.attempt_succeeded(counters)
    session.complete(request, Method.PASSWORD_PASSKEY)
    return JsonResponse({"redirect": next_url(request) or reverse("dashboard")})
