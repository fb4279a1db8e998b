"""No lost work: a form posted after the session ended is kept and offered again after sign-in.

When the idle or absolute session limit signs someone out on a POST, `keep_post` stores what the
form sent (never the CSRF token) in the new, anonymous session, with the path and the user it came
from: server-side (the session store), never in the address or a log. Signing in keeps the session's
data. The form page then calls `take_kept_post`, which hands the data back once, only on that path
and only to that same user, so the form is shown bound to what was typed (with any errors and the
stale-edit check of a normal post), not blank.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware

KEPT = "kept_post"
NEVER_KEPT = frozenset({"csrfmiddlewaretoken"})


def _csrf_ok(request: HttpRequest) -> bool:
    """The post carried a valid CSRF token: another site cannot plant a "kept" form in someone's session."""

    def no_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    return CsrfViewMiddleware(no_view).process_view(request, no_view, (), {}) is None


def keep_post(request: HttpRequest, user_id: int | None) -> None:
    """Call after the session was flushed (signing out): the data go into the new session."""
    if request.method != "POST" or user_id is None or not _csrf_ok(request):
        return
    data = {key: request.POST.getlist(key) for key in request.POST if key not in NEVER_KEPT}
    if not data:  # nothing typed (signing out, a bare button): nothing to keep
        return
    request.session[KEPT] = {"path": request.path, "user_id": user_id, "data": data}


def take_kept_post(request: HttpRequest) -> QueryDict | None:
    """What this user posted to this page when the session ended, once; None otherwise."""
    kept: dict[str, Any] | None = request.session.get(KEPT)
    if not kept or request.method != "GET" or kept.get("path") != request.path:
        return None
    del request.session[KEPT]
    if kept.get("user_id") != request.user.pk:
        return None  # someone else signed in on this browser: theirs is not shown, and it is dropped
    data = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        data.setlist(key, values)
    return data


def offer_kept_post(request: HttpRequest) -> QueryDict | None:
    """`take_kept_post`, saying so on the page: the form below is what was typed, not yet saved."""
    kept = take_kept_post(request) if request.method == "GET" else None
    if kept is not None:
        messages.warning(
            request, "You were signed out before this was saved. What you typed is below: check it and save."
        )
    return kept
