"""Patients' own letters (letters/) and the communication needs they meet (cases.CommunicationNeeds)."""

from typing import Any

from accounts.policy.decisions import can_sign_decision
from accounts.policy.team import is_clinician, is_coordinator


def can_record_communication_needs(user: Any) -> bool:
    """Record a patient's communication needs (formats, interpreter, carer copy, address for letters)."""
    return is_coordinator(user) or is_clinician(user)


def can_write_patient_letter(user: Any) -> bool:
    """Draft and edit a patient's letter from an MDT decision or a referral's advice (plain words, safety-netting)."""
    return is_coordinator(user) or is_clinician(user)


def can_release_patient_letter(user: Any) -> bool:
    """Release a patient's letter after reviewing it: the clinicians who may sign decisions."""
    return can_sign_decision(user)


def may_release_letter_for(user: Any, *, decision_status: str) -> bool:
    """Release this letter: one who may release letters, once the decision it explains is signed off."""
    return can_release_patient_letter(user) and decision_status == SIGNED_DECISION


def may_release_advice_letter_for(user: Any, *, advice_current: bool) -> bool:
    """Release a letter after advice on a referral: one who may release letters, while the advice it
    explains is the current one (advice that was amended is explained by the amendment's letter)."""
    return can_release_patient_letter(user) and advice_current


# `mdt.Decision.Status.SIGNED`, as a string: accounts sits below mdt.
SIGNED_DECISION = "signed"
