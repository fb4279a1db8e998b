"""Who may do what: every access check of the application, by name, in one place.

Views, services, templates (through the `can` context processor, accounts/context_processors.py) and reports ask these
functions; none of them tests a role or a permission itself. Two sources answer:

- the person's MDT role (`mdt.Member.role`, an `accounts.choices.MemberRole`), for rules about
  *who* someone is in the team (a coordinator builds the agenda; an oncologist or a spinal surgeon
  records an urgent decision between meetings);
- Django permissions, which `accounts.roles` grants to each role's groups, for rules the
  coordinators' workspace (the admin) enforces too (recording decisions, reviewing scans).

The checks live in one module per area (`team`: the role sets and the checks on them alone;
`decisions`: agendas, decisions, sign-off and follow-ups; `live`: the meeting's shared screen; `cases`:
scans and scores; `referrals`: the front door and the referrers' confinement; `letters`: patients' letters
and communication needs; `reports`: the workspace, the audit, the interfaces and the reminder outbox) and
are re-exported here: callers write `policy.can_record_decision(user)` and never name the module.

`CHECKS` (in `checks`) lists every check with the question it answers; `tests/accounts/test_policy.py`
prints the roles each one allows, the table in docs/architecture.md. To add a check: write it in its
area's module, re-export it here, add it to `CHECKS`, and run that test to see (and copy into the docs)
who it lets in.
"""

from accounts.choices import REFERRER_GROUP, MemberRole
from accounts.policy.cases import can_record_death, can_review_scan, can_score, reviews_own_patients_only
from accounts.policy.checks import CHECKS, Check, required
from accounts.policy.decisions import (
    can_build_agenda,
    can_complete_any_follow_up,
    can_complete_follow_up,
    can_list_case,
    can_mark_prepared,
    can_record_decision,
    can_record_urgent_decision,
    can_sign_decision,
)
from accounts.policy.letters import (
    SIGNED_DECISION,
    can_record_communication_needs,
    can_release_patient_letter,
    can_write_patient_letter,
    may_release_advice_letter_for,
    may_release_letter_for,
)
from accounts.policy.live import (
    can_check_in,
    can_drive_any_meeting,
    can_drive_meeting,
    can_follow_meeting,
    can_review_standard_of_care,
)
from accounts.policy.referrals import (
    REFERRER_ALSO_ALLOWED,
    REFERRER_NAMESPACE,
    SESSION_KEY,
    can_accept_referral,
    can_approve_referrers,
    can_give_advice,
    can_refer,
    can_see_referrals,
    is_referrer,
    is_referrer_request,
    may_use_referrer_page,
    remember_at_sign_in,
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
from accounts.policy.team import (
    CLINICAL_ROLES,
    COORDINATOR_ROLES,
    OWN_PATIENTS_REVIEW_ROLES,
    SCAN_REVIEWER_ROLES,
    SIGNER_ROLES,
    TREATMENT_DECISION_ROLES,
    URGENT_DECISION_ROLES,
    is_clinician,
    is_coordinator,
    member_of,
    role_is_coordinator,
    role_may_sign,
    roles_may_decide_treatment,
)

__all__ = [
    "CHECKS",
    "CLINICAL_ROLES",
    "COORDINATOR_ROLES",
    "OWN_PATIENTS_REVIEW_ROLES",
    "REFERRER_ALSO_ALLOWED",
    "REFERRER_GROUP",
    "REFERRER_NAMESPACE",
    "SCAN_REVIEWER_ROLES",
    "SESSION_KEY",
    "SIGNED_DECISION",
    "SIGNER_ROLES",
    "TREATMENT_DECISION_ROLES",
    "URGENT_DECISION_ROLES",
    "Check",
    "MemberRole",
    "can_accept_referral",
    "can_approve_referrers",
    "can_build_agenda",
    "can_check_in",
    "can_complete_any_follow_up",
    "can_complete_follow_up",
    "can_drive_any_meeting",
    "can_drive_meeting",
    "can_export_dataset",
    "can_follow_meeting",
    "can_give_advice",
    "can_list_case",
    "can_mark_prepared",
    "can_open_workspace",
    "can_record_communication_needs",
    "can_record_death",
    "can_record_decision",
    "can_record_urgent_decision",
    "can_refer",
    "can_release_patient_letter",
    "can_resend_reminder",
    "can_resolve_feed_conflict",
    "can_review_feed_message",
    "can_review_scan",
    "can_review_standard_of_care",
    "can_score",
    "can_see_mrn",
    "can_see_names",
    "can_see_referrals",
    "can_sign_decision",
    "can_view_reports",
    "can_write_patient_letter",
    "is_clinician",
    "is_coordinator",
    "is_referrer",
    "is_referrer_request",
    "may_be_staff",
    "may_release_advice_letter_for",
    "may_release_letter_for",
    "may_use_referrer_page",
    "member_of",
    "remember_at_sign_in",
    "required",
    "reviews_own_patients_only",
    "role_is_coordinator",
    "role_may_sign",
    "roles_may_decide_treatment",
]
