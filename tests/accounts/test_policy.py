"""The access policy as a table: every check in accounts.policy with the people it lets in.

The table is built from real users made the way production makes them (`assign_role` puts
them in their role's groups), so it shows what the application does, not what the code
says. It is printed (`pytest -s tests/accounts/test_policy.py`) and must match the
`EXPECTED` answers below and the table in docs/architecture.md: a change to who may do
what fails here until both are updated on purpose.
"""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import context_processors, policy
from accounts.choices import MemberRole
from tests.factories import ScanFactory, UserFactory, no_role_user, read_only_user, team_user
from tests.referrals.makers import referrer_user

pytestmark = pytest.mark.django_db

ALL_ROLES = [role.value for role in MemberRole]
COORDINATORS = ["mscc_coordinator", "mdt_coordinator"]
CLINICIANS = [r for r in ALL_ROLES if r not in COORDINATORS]
REVIEWERS = ["oncologist", "spinal_surgeon", "radiologist"]
# Columns of the table: the team roles, then people outside the team.
OTHERS = ["inactive_oncologist", "auditor", "no_role", "superuser", "referrer"]
PEOPLE = [*ALL_ROLES, *OTHERS]
OTHER_LABELS = {
    "inactive_oncologist": "Oncologist no longer active",
    "auditor": "Read-only auditor",
    "no_role": "Signed in, no role",
    "superuser": "Superuser",
    "referrer": "Referrer (a referring hospital)",
}

EXPECTED: dict[str, list[str]] = {
    "is_coordinator": [*COORDINATORS, "superuser"],
    "is_clinician": CLINICIANS,
    "can_build_agenda": [*COORDINATORS, "superuser"],
    "can_list_case": [*ALL_ROLES, "superuser"],
    "can_mark_prepared": CLINICIANS,
    "can_record_decision": [*ALL_ROLES, "superuser"],
    "can_record_urgent_decision": ["oncologist", "spinal_surgeon"],
    "can_sign_decision": ["oncologist", "spinal_surgeon", "radiologist"],  # the consultants who decide treatment
    "can_follow_meeting": [*ALL_ROLES, "inactive_oncologist", "auditor", "no_role", "superuser"],
    "can_drive_any_meeting": [*COORDINATORS, "superuser"],
    "can_check_in": ALL_ROLES,
    "can_review_standard_of_care": ["oncologist", "spinal_surgeon"],
    "can_complete_any_follow_up": [*COORDINATORS, "superuser"],
    "can_review_scan": [*REVIEWERS, "superuser"],
    "reviews_own_patients_only": ["oncologist", "spinal_surgeon"],  # radiologists review every scan
    "can_score": [*CLINICIANS, "superuser"],
    "can_record_death": [*COORDINATORS, "superuser"],  # the PAS feed records one through its connection
    "may_be_staff": [*COORDINATORS, "auditor", "superuser"],
    "can_open_workspace": [*COORDINATORS, "auditor", "superuser"],
    "can_view_reports": [*ALL_ROLES, "inactive_oncologist", "auditor", "superuser"],
    "can_see_names": [*ALL_ROLES, "superuser"],
    "can_see_mrn": [*ALL_ROLES, "inactive_oncologist", "auditor", "superuser"],
    "can_resend_reminder": [*COORDINATORS, "superuser"],
    "is_referrer": ["referrer"],
    "can_refer": [*COORDINATORS, "superuser", "referrer"],
    "can_see_referrals": [*ALL_ROLES, "inactive_oncologist", "auditor", "superuser"],
    "can_give_advice": [*ALL_ROLES, "superuser"],
    "can_accept_referral": [*COORDINATORS, "superuser"],
    "can_approve_referrers": [*COORDINATORS, "superuser"],
    "can_resolve_feed_conflict": [*COORDINATORS, "superuser"],
    "can_review_feed_message": [*COORDINATORS, "superuser"],
    "can_export_dataset": [*COORDINATORS, "superuser"],
    "can_record_communication_needs": [*ALL_ROLES, "superuser"],
    "can_write_patient_letter": [*ALL_ROLES, "superuser"],
    "can_release_patient_letter": ["oncologist", "spinal_surgeon", "radiologist"],  # as sign decisions
}


def label(person: str) -> str:
    return MemberRole(person).label if person in ALL_ROLES else OTHER_LABELS[person]


def people() -> dict[str, Any]:
    made: dict[str, Any] = {role: team_user(f"u_{role}", role) for role in ALL_ROLES}
    inactive = team_user("u_inactive", MemberRole.ONCOLOGIST)
    inactive.member.active = False
    inactive.member.save()
    made["inactive_oncologist"] = inactive
    made["auditor"] = read_only_user("u_auditor")
    made["no_role"] = no_role_user("u_nobody")
    made["superuser"] = UserFactory(username="u_super", is_superuser=True, is_staff=True)
    made["referrer"] = referrer_user("u_referrer")
    return made


def policy_table(answers: dict[str, list[str]]) -> str:
    """Markdown: one row per check, the question it answers and who it allows."""
    lines = ["| Check | What it allows | Who |", "| --- | --- | --- |"]
    for name, check in policy.CHECKS.items():
        allowed = answers[name]
        if set(allowed) >= set(ALL_ROLES):
            who = ["every active team role", *(label(p) for p in allowed if p in OTHERS)]
        else:
            who = [label(p) for p in allowed]
        lines.append(f"| `{name}` | {check.question} | {', '.join(who) or 'nobody'} |")
    return "\n".join(lines)


@pytest.mark.hazard("HAZ-045")
def test_every_check_allows_exactly_the_roles_in_the_table(capsys):
    users = people()

    answers = {
        name: [person for person in PEOPLE if check.allows(users[person])] for name, check in policy.CHECKS.items()
    }

    with capsys.disabled():
        print("\n" + policy_table(answers))
    assert answers == EXPECTED


@pytest.mark.hazard("HAZ-045")
def test_a_member_who_left_the_team_can_no_longer_review_a_scan_or_record_a_score(client):
    # Their account and groups remain (they may still work in the hospital); their membership ended.
    user = team_user("left", MemberRole.RADIOLOGIST)
    user.member.active = False
    user.member.save()
    scan = ScanFactory(performed=True)
    client.force_login(user)

    reviewed = client.post(reverse("scan-review", args=[scan.pk]))
    scored = client.post(reverse("assessment-new", args=[scan.case_id, "sins"]), {})

    scan.refresh_from_db()
    assert (reviewed.status_code, scored.status_code) == (403, 403)
    assert scan.reviewed_at is None and not scan.case.assessments.exists()


def test_the_architecture_page_shows_the_policy_table_as_it_is():
    page = (Path(settings.BASE_DIR) / "docs" / "architecture.md").read_text(encoding="utf-8")

    assert policy_table(EXPECTED) in page, "copy the table printed by this test into docs/architecture.md"


def test_only_the_named_clinicians_sign_and_signing_roles_are_one_set():
    # The form's choices, the service's check of the names given and the user check share SIGNER_ROLES.
    assert policy.SIGNER_ROLES <= policy.CLINICAL_ROLES
    assert all(policy.role_may_sign(role) == (role in policy.SIGNER_ROLES) for role in MemberRole)


def test_a_treatment_decision_needs_an_oncologist_and_a_spinal_surgeon_named():
    onc, surgeon, radiologist = MemberRole.ONCOLOGIST, MemberRole.SPINAL_SURGEON, MemberRole.RADIOLOGIST

    assert policy.roles_may_decide_treatment([onc, surgeon]) and policy.roles_may_decide_treatment(iter([surgeon, onc]))
    assert not policy.roles_may_decide_treatment([onc, radiologist])
    assert not policy.roles_may_decide_treatment([surgeon, radiologist])
    assert policy.TREATMENT_DECISION_ROLES <= policy.SIGNER_ROLES  # those it needs may sign the decision


def test_a_template_sees_the_checks_as_can_and_an_unknown_name_is_not_allowed(rf):
    request = rf.get("/")
    request.user = team_user("u_onc", MemberRole.ONCOLOGIST)
    can = context_processors.checks(request)["can"]

    assert can["record_urgent_decision"] is True and can["build_agenda"] is False and can["is_clinician"] is True
    with pytest.raises(KeyError):
        can["delete_everything"]


def test_anonymous_visitors_are_allowed_nothing(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    can = context_processors.checks(request)["can"]

    assert not any(can[name] for name in policy.CHECKS)
