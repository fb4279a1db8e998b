"""The meeting itself, live: following, driving and checking in on the shared screen, standard-of-care listing."""

from typing import Any

from accounts.policy.referrals import is_referrer
from accounts.policy.team import URGENT_DECISION_ROLES, _active_role, is_coordinator, member_of


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
