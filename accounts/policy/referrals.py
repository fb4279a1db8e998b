"""The front door: referrers confined to their own pages, and who may refer, triage, advise and accept."""

from typing import Any

from accounts.choices import REFERRER_GROUP
from accounts.policy.team import _not_deactivated

# The front door (referrals): referrers, clinicians at referring hospitals, see their own
# organisation's referrals and nothing else. That is enforced in one place:
# `accounts.middleware.ReferrerConfinementMiddleware` lets a referrer reach only the pages in the
# `REFERRER_NAMESPACE` URL namespace, public pages and signing out (every other address is 403);
# inside it, referrals.selectors narrows every referral to the user's organisation (another's: 404).
# The referrer-facing pages (referrals/urls_refer.py). A string, so accounts needs no import of referrals.
REFERRER_NAMESPACE = "refer"
# Views outside it that a referrer may still reach: signing out, and the second factor (a password
# session is held at those pages until it passes one, and a referrer sets up and manages their own).
# Public pages, such as signing in and the health check, are open to everyone and stay so.
REFERRER_ALSO_ALLOWED = frozenset(
    {
        "logout",
        "signin:second-factor",
        "signin:set-up",
        "signin:recovery-codes",
        "signin:passkey-options",
        "signin:passkey",
        "signin:passkey-new-options",
        "signin:passkey-new",
        "signin:security",
    }
)
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
        setattr(user, _CACHE, user.groups.filter(name=REFERRER_GROUP).exists())
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


def can_see_referrals(user: Any) -> bool:
    """The triage inbox and every referral's page: the service's team and auditors."""
    return not is_referrer(user) and bool(user.has_perm("referrals.view_referral"))


def can_give_advice(user: Any) -> bool:
    """Triage a referral and give (or amend) the advice: coordinators and clinicians."""
    return not is_referrer(user) and bool(user.has_perm("referrals.give_advice")) and _not_deactivated(user)


def can_accept_referral(user: Any) -> bool:
    """Accept (creating or linking the patient and the case) or decline: the coordinators, who register cases."""
    return not is_referrer(user) and bool(
        user.has_perm("referrals.change_referral") and user.has_perm("cases.add_case")
    )


def can_approve_referrers(user: Any) -> bool:
    """Approve a referrer's account that no rule approved (from the coordinators' workspace)."""
    return not is_referrer(user) and bool(user.has_perm("referrals.change_referrer"))
