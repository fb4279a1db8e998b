"""The clinical record: reviewing MRI scans and scoring."""

from typing import Any

from accounts.policy.team import _not_deactivated


def can_review_scan(user: Any) -> bool:
    """Mark a performed MRI reviewed (specialist review, docs/clinical-reference.md §8.1)."""
    return bool(user.has_perm("cases.review_scan")) and _not_deactivated(user)


def can_score(user: Any) -> bool:
    """Record scores and the clinical judgements NOMS needs (radiosensitivity, fitness for surgery)."""
    return bool(user.has_perm("cases.add_assessment")) and _not_deactivated(user)
