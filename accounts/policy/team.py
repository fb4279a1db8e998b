"""Who someone is in the team: the role sets, a user's active role, and the checks built on them alone."""

from collections.abc import Iterable
from typing import Any

from accounts.choices import MemberRole

COORDINATOR_ROLES = frozenset({MemberRole.MDT_COORDINATOR, MemberRole.MSCC_COORDINATOR})
CLINICAL_ROLES = frozenset(set(MemberRole) - COORDINATOR_ROLES)
# Who may mark an MRI reviewed (the Scan reviewer group): the roles of cases.choices.ReviewerRole. Only a
# radiologist's review counts as the specialist review that MDT readiness asks for and that empties the
# review worklist; an oncologist's or spinal surgeon's is recorded with their role beside it (HAZ-015).
SCAN_REVIEWER_ROLES = frozenset({MemberRole.RADIOLOGIST, MemberRole.ONCOLOGIST, MemberRole.SPINAL_SURGEON})
# Who is expected to review only the MRIs of the patients they are the responsible clinician for, as the
# reminders escalate; the radiologists review every scan, and everyone else (coordinators chase) sees all.
OWN_PATIENTS_REVIEW_ROLES = frozenset({MemberRole.ONCOLOGIST, MemberRole.SPINAL_SURGEON})
# A treatment decision names an oncologist and a spinal surgeon among the clinicians responsible: the two
# senior clinical advisers who plan treatment after the MRI (docs/clinical-reference.md §7.5).
TREATMENT_DECISION_ROLES = frozenset({MemberRole.ONCOLOGIST, MemberRole.SPINAL_SURGEON})
# Who may make an urgent decision between meetings (an MSCC patient cannot wait for next week).
URGENT_DECISION_ROLES = frozenset({MemberRole.ONCOLOGIST, MemberRole.SPINAL_SURGEON})
# Who may be named on a decision and sign it: the specialties that deliver or direct the treatment
# (oncologist, spinal surgeon) and the radiologist whose reading it rests on, the quorum's roles; the
# others advise, record and are listed as present (docs/clinical-reference.md §7.5).
SIGNER_ROLES = frozenset({MemberRole.ONCOLOGIST, MemberRole.SPINAL_SURGEON, MemberRole.RADIOLOGIST})


def member_of(user: Any) -> Any:
    """The user's `mdt.Member` row, or None (anonymous, or not in the team)."""
    return getattr(user, "member", None) if user is not None and user.is_authenticated else None


def _active_role(user: Any) -> str | None:
    member = member_of(user)
    return member.role if member is not None and member.active else None


def _not_deactivated(user: Any) -> bool:
    """False for a member who left the team (HAZ-045); people outside the team (a superuser) pass."""
    member = member_of(user)
    return member is None or bool(member.active)


# Role sets applied to a member row (the form's choices, the service's check of the names given).


def role_may_sign(role: str) -> bool:
    return role in SIGNER_ROLES


def role_is_coordinator(role: str) -> bool:
    return role in COORDINATOR_ROLES


def roles_may_decide_treatment(roles: Iterable[str]) -> bool:
    """Whether the clinicians named on a treatment decision (their roles) include each of TREATMENT_DECISION_ROLES."""
    return set(roles) >= TREATMENT_DECISION_ROLES


# Checks on a user.


def is_coordinator(user: Any) -> bool:
    """An active MDT or MSCC coordinator (or a superuser): builds agendas, records attendance."""
    return bool(user.is_superuser) or _active_role(user) in COORDINATOR_ROLES


def is_clinician(user: Any) -> bool:
    """An active team member in a clinical role."""
    return _active_role(user) in CLINICAL_ROLES
