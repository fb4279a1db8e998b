"""Who may use the referral front door: the named checks for referrers and for the service.

A referrer (a clinician at a referring hospital, in the Referrer group) sees their own
organisation's referrals and nothing else of the application. That is enforced in one place:
`ReferrerConfinementMiddleware` (accounts.middleware) lets a referrer reach only the pages in
the `REFERRER_NAMESPACE` URL namespace and signing out; every other address answers 403. Inside
that namespace the views fetch a referral through `referrals.selectors.for_referrer`, which
narrows to the user's organisation (another organisation's referral is a 404).
"""

from typing import Any

from accounts.roles import REFERRER

# The referrer-facing pages (referrals/urls_refer.py). A string, so accounts needs no import of referrals.
REFERRER_NAMESPACE = "refer"
# Views outside it that a referrer may still reach: signing out (public pages, such as signing in and
# the health check, are open to everyone and stay so).
REFERRER_ALSO_ALLOWED = frozenset({"logout"})
_CACHE = "_is_referrer"
# Whether the signed-in user is a referrer, decided at sign-in and kept in the (server-side) session,
# so the confinement costs no query per request. A referrer account is made as one and never changes
# role (accounts.roles.assign_referrer refuses a team member or staff), so the answer cannot go stale.
SESSION_KEY = "accounts.referrer"


def is_referrer(user: Any) -> bool:
    """In the Referrer group (asked once per user object, or taken from the session by the middleware)."""
    if user is None or not user.is_authenticated:
        return False
    if not hasattr(user, _CACHE):
        setattr(user, _CACHE, user.groups.filter(name=REFERRER).exists())
    return bool(getattr(user, _CACHE))


def is_referrer_request(request: Any) -> bool:
    """The request's user is a referrer: from the session when it knows, else asked once and remembered."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    session = request.session
    if SESSION_KEY not in session:
        session[SESSION_KEY] = is_referrer(user)
    setattr(user, _CACHE, bool(session[SESSION_KEY]))
    return bool(session[SESSION_KEY])


def remember_at_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """user_logged_in handler: decide once per session."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = is_referrer(user)


def may_use_referrer_page(view_name: str, namespaces: list[str], *, public: bool) -> bool:
    """The confinement rule: a referrer's request may reach this URL (`view_name` is namespaced: "admin:login")."""
    return public or REFERRER_NAMESPACE in namespaces or view_name in REFERRER_ALSO_ALLOWED


def can_refer(user: Any) -> bool:
    """Start and submit referrals: an approved referrer (for their organisation), or the service taking one by phone."""
    if is_referrer(user):
        referrer = getattr(user, "referrer", None)
        return referrer is not None and referrer.approved and bool(user.has_perm("referrals.refer"))
    return bool(user.has_perm("referrals.add_referral"))


def can_see_inbox(user: Any) -> bool:
    """The triage inbox and every referral's page: the service's team and auditors."""
    return not is_referrer(user) and bool(user.has_perm("referrals.view_referral"))


def can_give_advice(user: Any) -> bool:
    """Triage a referral and give (or amend) the advice: coordinators and clinicians."""
    return not is_referrer(user) and bool(user.has_perm("referrals.give_advice"))


def can_accept_referral(user: Any) -> bool:
    """Accept (creating or linking the patient and the case) or decline: the coordinators, who register cases."""
    return not is_referrer(user) and bool(
        user.has_perm("referrals.change_referral") and user.has_perm("cases.add_case")
    )


def can_approve_referrers(user: Any) -> bool:
    return not is_referrer(user) and bool(user.has_perm("referrals.change_referrer"))
