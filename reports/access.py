"""Who may open the service audit, what identifiers they see there, and whether the navbar shows its link.

The navbar is on every page, and asking for a user's permissions costs two queries; pages with a
fixed query budget should not pay them for a link. So the answer is kept in the session: worked
out when the user signs in (or on the first page of an older session), and read from there after.
A role changed meanwhile shows or hides the link at the next sign-in; the pages themselves check
the permission on every request, so a stale link never opens anything.
"""

from typing import Any

from django.http import HttpRequest

from mdt.services.agenda import is_clinician, is_coordinator

PERMISSION = "reports.view_report"
SESSION_KEY = "reports.may_view"


def may_see_names(user: Any) -> bool:
    """Team members (coordinators, clinicians) see patients' names; a read-only auditor sees MRN and case id."""
    return is_coordinator(user) or is_clinician(user)


def may_see_mrn(user: Any) -> bool:
    """The MRN (never a name or NHS number) in lists and exports, for roles that may see patients' records."""
    return bool(user.has_perm("cases.view_patient"))


def may_view_reports(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is None:
        return bool(user.has_perm(PERMISSION))
    if SESSION_KEY not in session:
        session[SESSION_KEY] = bool(user.has_perm(PERMISSION))
    return bool(session[SESSION_KEY])


def remember_on_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in handler: a new session starts with the answer."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = bool(user.has_perm(PERMISSION))
