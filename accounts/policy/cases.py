"""The clinical record: reviewing MRI scans, scoring, recording a death."""

from typing import Any

from accounts.policy.team import OWN_PATIENTS_REVIEW_ROLES, _active_role, _not_deactivated


def can_review_scan(user: Any) -> bool:
    """Mark a performed MRI reviewed (a radiologist's review is the specialist review; others' are recorded)."""
    return bool(user.has_perm("cases.review_scan")) and _not_deactivated(user)


def can_score(user: Any) -> bool:
    """Record scores and the clinical judgements NOMS needs (radiosensitivity, fitness for surgery)."""
    return bool(user.has_perm("cases.add_assessment")) and _not_deactivated(user)


def reviews_own_patients_only(user: Any) -> bool:
    """Expected to review only their own patients' MRIs (the radiologists review every scan)."""
    return _active_role(user) in OWN_PATIENTS_REVIEW_ROLES


def can_record_death(user: Any) -> bool:
    """Record a patient's death (which stops their clocks, reminders and follow-ups): the coordinators."""
    return bool(user.has_perm("cases.change_patient")) and _not_deactivated(user)
