"""Who opened a referral: every page or document that shows a referral's patient records it for the auditors
(accounts.AccessRecord, kind "referral"), as the case and patient pages do, with the patient and case once the
referral is linked to one (HAZ-041)."""

from typing import Any

from accounts.services import access_record
from referrals.models import Referral


def referral_access(user: Any, referral: Referral, kind: str = "referral") -> None:
    case = referral.case
    access_record(
        user=user,
        patient_id=case.patient_id if case is not None else None,
        case_id=referral.case_id,
        referral_id=referral.pk,
        kind=kind,
    )
