"""Writes of the accounts app."""

from collections.abc import Sequence
from typing import Any

from accounts.models import AccessRecord, SignInRecord


def access_record(
    *, user: Any, patient_id: int | None, kind: str, case_id: int | None = None, referral_id: int | None = None
) -> AccessRecord:
    """Record that `user` opened patient `patient_id` (and case `case_id`), or referral `referral_id` (with its
    patient and case once it is linked to one), this way, now."""
    return AccessRecord.objects.create(
        user=user, patient_id=patient_id, case_id=case_id, referral_id=referral_id, kind=AccessRecord.Kind(kind)
    )


def access_record_many(*, user: Any, cases: Sequence[tuple[int, int | None]], kind: str) -> None:
    """One record per (patient_id, case_id) seen on a page listing many cases (an agenda, a PDF pack): one INSERT."""
    AccessRecord.objects.bulk_create(
        AccessRecord(user=user, patient_id=patient_id, case_id=case_id, kind=AccessRecord.Kind(kind))
        for patient_id, case_id in cases
    )


def sign_in_record(*, user: Any, event: str, method: str = "", by: Any = None, detail: str = "") -> SignInRecord:
    """Record one sign-in event for the auditors (ids and kinds only: no typed usernames, no codes)."""
    return SignInRecord.objects.create(
        user=user,
        event=SignInRecord.Event(event),
        method=SignInRecord.Method(method),
        by=by,
        detail=detail[:200],
    )
