"""The MDT's work: agendas, preparation, decisions and their sign-off, follow-ups."""

from typing import Any

from accounts.policy.team import (
    URGENT_DECISION_ROLES,
    _active_role,
    _not_deactivated,
    is_clinician,
    is_coordinator,
    member_of,
    role_may_sign,
)


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
    """Record outcomes, mark items not discussed or withdrawn, amend decisions, replace a signer who left, delivery."""
    return bool(user.has_perm("mdt.add_decision")) and _not_deactivated(user)


def can_record_urgent_decision(user: Any) -> bool:
    """Record an urgent decision between meetings (ratified at the next MDT)."""
    return _active_role(user) in URGENT_DECISION_ROLES


def can_sign_decision(user: Any) -> bool:
    """Agree or dissent on a decision; the service also requires being one of those named on it."""
    role = _active_role(user)
    return role is not None and role_may_sign(role)


def can_complete_any_follow_up(user: Any) -> bool:
    """Complete or cancel anyone's follow-up (a coordinator's task); owners complete their own."""
    return bool(user.has_perm("mdt.change_followup"))


def can_complete_follow_up(user: Any, owner_id: int | None) -> bool:
    """Complete or cancel this follow-up: its owner (the `Member` id) while active, or whoever may complete any."""
    if can_complete_any_follow_up(user):
        return True
    member = member_of(user)
    return bool(member is not None and member.active and owner_id is not None and member.pk == owner_id)
