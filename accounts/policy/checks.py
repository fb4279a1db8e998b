"""Every check by name (`CHECKS`, the policy table and the `can` context processor), and the view decorator."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied

from accounts.policy.cases import can_record_death, can_review_scan, can_score, reviews_own_patients_only
from accounts.policy.decisions import (
    can_build_agenda,
    can_complete_any_follow_up,
    can_list_case,
    can_mark_prepared,
    can_record_decision,
    can_record_urgent_decision,
    can_sign_decision,
)
from accounts.policy.letters import can_record_communication_needs, can_release_patient_letter, can_write_patient_letter
from accounts.policy.live import can_check_in, can_drive_any_meeting, can_follow_meeting, can_review_standard_of_care
from accounts.policy.referrals import (
    can_accept_referral,
    can_approve_referrers,
    can_give_advice,
    can_refer,
    can_see_referrals,
    is_referrer,
)
from accounts.policy.reports import (
    can_export_dataset,
    can_open_workspace,
    can_resend_reminder,
    can_resolve_feed_conflict,
    can_review_feed_message,
    can_see_mrn,
    can_see_names,
    can_view_reports,
    may_be_staff,
)
from accounts.policy.team import is_clinician, is_coordinator


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
            reviews_own_patients_only,
            can_score,
            can_record_death,
            may_be_staff,
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
            can_review_feed_message,
            can_export_dataset,
            can_record_communication_needs,
            can_write_patient_letter,
            can_release_patient_letter,
        ],
    )
}
