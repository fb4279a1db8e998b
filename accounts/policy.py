"""Who may do what: every access check of the application, by name, in one place.

Views, services, templates (through the `can` context processor) and reports ask these
functions; none of them tests a role or a permission itself. Two sources answer:

- the person's MDT role (`mdt.Member.role`, an `accounts.choices.MemberRole`), for rules about
  *who* someone is in the team (a coordinator builds the agenda; an oncologist or a spinal surgeon
  records an urgent decision between meetings);
- Django permissions, which `accounts.roles` grants to each role's groups, for rules the
  coordinators' workspace (the admin) enforces too (recording decisions, reviewing scans).

`CHECKS` lists every check with the question it answers; `tests/accounts/test_policy.py` prints
the roles each one allows, the table in docs/architecture.md. To add a check: write it here,
add it to `CHECKS`, and run that test to see (and copy into the docs) who it lets in.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.choices import REFERRER_GROUP, MemberRole

COORDINATOR_ROLES = frozenset({MemberRole.MDT_COORDINATOR, MemberRole.MSCC_COORDINATOR})
CLINICAL_ROLES = frozenset(set(MemberRole) - COORDINATOR_ROLES)
# Whose review of an MRI counts as specialist review (docs/clinical-reference.md §8.1).
SCAN_REVIEWER_ROLES = frozenset({MemberRole.RADIOLOGIST, MemberRole.ONCOLOGIST, MemberRole.SPINAL_SURGEON})
# Who may make an urgent decision between meetings (an MSCC patient cannot wait for next week).
URGENT_DECISION_ROLES = frozenset({MemberRole.ONCOLOGIST, MemberRole.SPINAL_SURGEON})
# Who may be named on a decision and sign it off. The one line to change to narrow sign-off.
SIGNER_ROLES = CLINICAL_ROLES


def member_of(user: Any) -> Any:
    """The user's `mdt.Member` row, or None (anonymous, or not in the team)."""
    return getattr(user, "member", None) if user is not None and user.is_authenticated else None


def _active_role(user: Any) -> str | None:
    member = member_of(user)
    return member.role if member is not None and member.active else None


# Role sets applied to a member row (the form's choices, the service's check of the names given).


def role_may_sign(role: str) -> bool:
    return role in SIGNER_ROLES


def role_is_coordinator(role: str) -> bool:
    return role in COORDINATOR_ROLES


# Checks on a user.


def is_coordinator(user: Any) -> bool:
    """An active MDT or MSCC coordinator (or a superuser): builds agendas, records attendance."""
    return bool(user.is_superuser) or _active_role(user) in COORDINATOR_ROLES


def is_clinician(user: Any) -> bool:
    """An active team member in a clinical role."""
    return _active_role(user) in CLINICAL_ROLES


def can_build_agenda(user: Any) -> bool:
    """Withdraw, reorder and edit agenda items, add the candidate list, record attendance."""
    return is_coordinator(user)


def can_list_case(user: Any, *, agenda_closed: bool = False) -> bool:
    """Put a case on an agenda: any member until the agenda closes, then only a coordinator (with a reason)."""
    return is_coordinator(user) or (is_clinician(user) and not agenda_closed)


def can_mark_prepared(user: Any) -> bool:
    """Mark a listed case as prepared (reviewed before the meeting) by oneself."""
    return is_clinician(user)


def can_record_decision(user: Any) -> bool:
    """Record an outcome in the meeting, mark an item not discussed or withdrawn, amend a decision, its delivery."""
    return bool(user.has_perm("mdt.add_decision"))


def can_record_urgent_decision(user: Any) -> bool:
    """Record an urgent decision between meetings (ratified at the next MDT)."""
    return _active_role(user) in URGENT_DECISION_ROLES


def can_sign_decision(user: Any) -> bool:
    """Agree or dissent on a decision; the service also requires being one of those named on it."""
    role = _active_role(user)
    return role is not None and role_may_sign(role)


def can_follow_meeting(user: Any) -> bool:
    """Follow a meeting on its live screen: anyone who may read the meeting's page (signed in, not a referrer)."""
    return bool(user is not None and user.is_authenticated) and not is_referrer(user)


def can_drive_any_meeting(user: Any) -> bool:
    """Drive any meeting's live screen (start, next, back, jump, end) and confirm who is present: coordinators."""
    return is_coordinator(user)


def can_drive_meeting(user: Any, chair_id: int | None) -> bool:
    """Drive this meeting's live screen: a coordinator, or the meeting's chair (`Member` id) while active."""
    if can_drive_any_meeting(user):
        return True
    member = member_of(user)
    return bool(member is not None and member.active and chair_id is not None and member.pk == chair_id)


def can_check_in(user: Any) -> bool:
    """Mark oneself present on a meeting's live screen (a coordinator confirms it): an active team member."""
    return _active_role(user) is not None


def can_review_standard_of_care(user: Any) -> bool:
    """List a case as reviewed against an agreed standard of care (no full discussion): a lead clinician."""
    return _active_role(user) in URGENT_DECISION_ROLES


def can_complete_any_follow_up(user: Any) -> bool:
    """Complete or cancel anyone's follow-up (a coordinator's task); owners complete their own."""
    return bool(user.has_perm("mdt.change_followup"))


def can_complete_follow_up(user: Any, owner_id: int | None) -> bool:
    """Complete or cancel this follow-up: its owner (the `Member` id) while active, or whoever may complete any."""
    if can_complete_any_follow_up(user):
        return True
    member = member_of(user)
    return bool(member is not None and member.active and owner_id is not None and member.pk == owner_id)


def can_review_scan(user: Any) -> bool:
    """Mark a performed MRI reviewed (specialist review, docs/clinical-reference.md §8.1)."""
    return bool(user.has_perm("cases.review_scan"))


def can_score(user: Any) -> bool:
    """Record scores and the clinical judgements NOMS needs (radiosensitivity, fitness for surgery)."""
    return bool(user.has_perm("cases.add_assessment"))


def can_open_workspace(user: Any) -> bool:
    """See links into the coordinators' workspace (the admin checks its own permissions inside)."""
    return bool(user.is_staff)


def can_view_reports(user: Any) -> bool:
    """Open the service audit (measures, breach lists, exports)."""
    return bool(user.has_perm("reports.view_report"))


def can_see_names(user: Any) -> bool:
    """Patients' names in the audit: team members only; an auditor sees MRN and case id."""
    return is_coordinator(user) or is_clinician(user)


def can_see_mrn(user: Any) -> bool:
    """The MRN (never a name or NHS number) in audit lists and exports: roles that may see patients' records."""
    return bool(user.has_perm("cases.view_patient"))


def can_resolve_feed_conflict(user: Any) -> bool:
    """Settle a conflict between the PAS feed and the record (keep the record's value or apply the feed's)."""
    return bool(user.has_perm("integrations.resolve_feedconflict"))


def can_export_dataset(user: Any) -> bool:
    """Export the national cancer datasets (COSD, cancer waiting times): they hold NHS numbers."""
    return bool(user.has_perm("integrations.export_dataset"))


def can_resend_reminder(user: Any) -> bool:
    """Send a failed reminder again from the reminder outbox."""
    return bool(user.has_perm("reminders.resend_reminder"))


# Patients' own letters (letters/) and the communication needs they meet (cases.CommunicationNeeds).


def can_record_communication_needs(user: Any) -> bool:
    """Record a patient's communication needs (formats, interpreter, carer copy, address for letters)."""
    return is_coordinator(user) or is_clinician(user)


def can_write_patient_letter(user: Any) -> bool:
    """Draft and edit a patient's own letter from an MDT decision (plain language, safety-netting)."""
    return is_coordinator(user) or is_clinician(user)


def can_release_patient_letter(user: Any) -> bool:
    """Release a patient's letter after reviewing it: the clinicians who may sign decisions."""
    return can_sign_decision(user)


def may_release_letter_for(user: Any, *, decision_status: str) -> bool:
    """Release this letter: one who may release letters, once the decision it explains is signed off."""
    return can_release_patient_letter(user) and decision_status == SIGNED_DECISION


# `mdt.Decision.Status.SIGNED`, as a string: accounts sits below mdt.
SIGNED_DECISION = "signed"


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
    return not is_referrer(user) and bool(user.has_perm("referrals.give_advice"))


def can_accept_referral(user: Any) -> bool:
    """Accept (creating or linking the patient and the case) or decline: the coordinators, who register cases."""
    return not is_referrer(user) and bool(
        user.has_perm("referrals.change_referral") and user.has_perm("cases.add_case")
    )


def can_approve_referrers(user: Any) -> bool:
    """Approve a referrer's account that no rule approved (from the coordinators' workspace)."""
    return not is_referrer(user) and bool(user.has_perm("referrals.change_referrer"))


def required(check: Callable[[Any], bool]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view decorator: 403 (PermissionDenied) unless `check(request.user)`."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def checked(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorate


@dataclass(frozen=True)
class Check:
    name: str
    question: str
    allows: Callable[[Any], bool]


def _check(function: Callable[[Any], bool]) -> Check:
    question = (function.__doc__ or "").strip().splitlines()[0]
    return Check(function.__name__, question, function)


# Every check a user can be asked, as templates see them (`{% if can.record_decision %}`) and the
# policy table lists them. Checks that need more than the user (can_complete_follow_up) are
# listed through the user-only check they are built on.
CHECKS: dict[str, Check] = {
    check.name: check
    for check in map(
        _check,
        [
            is_coordinator,
            is_clinician,
            can_build_agenda,
            can_list_case,
            can_mark_prepared,
            can_record_decision,
            can_record_urgent_decision,
            can_sign_decision,
            can_follow_meeting,
            can_drive_any_meeting,
            can_check_in,
            can_review_standard_of_care,
            can_complete_any_follow_up,
            can_review_scan,
            can_score,
            can_open_workspace,
            can_view_reports,
            can_see_names,
            can_see_mrn,
            can_resend_reminder,
            is_referrer,
            can_refer,
            can_see_referrals,
            can_give_advice,
            can_accept_referral,
            can_approve_referrers,
            can_resolve_feed_conflict,
            can_export_dataset,
            can_record_communication_needs,
            can_write_patient_letter,
            can_release_patient_letter,
        ],
    )
}


class UserChecks:
    """The checks for one user, worked out only when a template asks (`can.review_scan`), each once."""

    def __init__(self, user: Any) -> None:
        self._user = user
        self._answers: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in self._answers:
            check = CHECKS.get(name) or CHECKS.get(f"can_{name}")
            if check is None:
                raise KeyError(name)
            self._answers[name] = bool(
                self._user is not None and self._user.is_authenticated and check.allows(self._user)
            )
        return self._answers[name]


def checks(request: Any) -> dict[str, UserChecks]:
    """Context processor: `can` in every template, e.g. `{% if can.record_decision %}`."""
    return {"can": UserChecks(getattr(request, "user", None))}
