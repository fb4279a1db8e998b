"""The navbar's part of the front door: a referrer's own menu, or the service's link to the triage inbox.

Both answers are kept in the session (worked out at sign-in, or on the first page of an older
session), as reports.access does for its link: the navbar is on every page and asking for a user's
permissions costs two queries. The pages check on every request, so a stale link never opens anything.
"""

from typing import Any

from django.http import HttpRequest

from accounts.policy import can_see_referrals, is_referrer_request

SESSION_KEY = "referrals.inbox_link"


def front_door(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if is_referrer_request(request):
        return {"is_referrer": True, "referrals_link": False}
    session = request.session
    if SESSION_KEY not in session:
        session[SESSION_KEY] = can_see_referrals(user)
    return {"is_referrer": False, "referrals_link": bool(session[SESSION_KEY])}


def remember_on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in handler: a new session starts with the answer."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = can_see_referrals(user)
