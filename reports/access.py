"""Whether the navbar shows the service audit's link (accounts.policy.can_view_reports, kept in the session).

The navbar is on every page, and asking for a user's permissions costs two queries; pages with a
fixed query budget should not pay them for a link. So the answer is kept in the session: worked
out when the user signs in (or on the first page of an older session), and read from there after.
A role changed meanwhile shows or hides the link at the next sign-in; the pages themselves check
the permission on every request, so a stale link never opens anything.
"""

from typing import Any

from django.http import HttpRequest

from accounts.policy import can_view_reports

SESSION_KEY = "reports.may_view"


def may_view_reports(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is None:
        return can_view_reports(user)
    if SESSION_KEY not in session:
        session[SESSION_KEY] = can_view_reports(user)
    return bool(session[SESSION_KEY])


def remember_on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in handler: a new session starts with the answer."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = can_view_reports(user)
