"""The patient's letter after advice on a referral from another hospital, given without an MDT
discussion: which advice can have one, whose letter it is, and its first draft.

Only advice that is itself the plan has one (`referrals.choices.PLAN_IN_ADVICE`: advice only,
radiotherapy locally, not MSCC); advice that lists the patient for the MDT is explained by the MDT's
decision. The patient is the referral's case's when it was accepted, else the one registered here
with the referral's NHS number, and only when their name and date of birth agree with the referral
(HAZ-100: never a letter to a near match). Drafting is a write like `letters.services.letter_draft`.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import policy
from cases.communication import letter_address, needs_of
from cases.models import Patient
from core.history import save_as
from letters.models import PatientLetter
from letters.writing import draft_advice_body
from referrals.choices import PLAN_IN_ADVICE
from referrals.models import Advice, Referral
from referrals.services.accept import identity_check

AMENDED = "The advice was amended: write the letter from the amended advice instead."


def is_current(advice: Advice) -> bool:
    return not Advice.objects.filter(amends=advice).exists()


def advice_problem(advice: Advice) -> str | None:
    """Why this advice has no letter of its own (None: it can have one)."""
    if advice.outcome not in PLAN_IN_ADVICE:
        return (
            f"The advice was \u201c{advice.get_outcome_display()}\u201d: the patient's letter is written "
            "from the MDT's decision, not from the advice."
        )
    if not is_current(advice):
        return AMENDED
    return None


def advice_patient(referral: Referral) -> Patient:
    """The patient the letter goes to, or a ValidationError saying why there is none to write to."""
    if referral.case_id is not None:
        return referral.case.patient  # type: ignore[union-attr]
    check = identity_check(referral)
    if check.patient is None:
        raise ValidationError(
            "No patient with the referral's NHS number is registered here: register them in the workspace "
            "(with their hospital number, so the PAS feed sends their address) before writing to them."
        )
    if check.differences:
        raise ValidationError(
            f"The NHS number belongs to {check.patient.display_name} (MRN {check.patient.mrn}), whose details "
            f"differ: {'; '.join(check.differences)}. Check with the referrer before writing to the patient."
        )
    return check.patient


@transaction.atomic
def letter_draft_from_advice(*, advice_id: int, user: Any) -> PatientLetter:
    """The advice's letter: the existing one, or a first draft written from the advice."""
    if not policy.can_write_patient_letter(user):
        raise PermissionDenied("Only the MDT's coordinators and clinicians write patients' letters.")
    advice = (
        Advice.objects.select_for_update(of=("self",))
        .select_related("referral__organisation", "referral__case__patient")
        .get(pk=advice_id)
    )
    existing = PatientLetter.objects.filter(advice=advice).first()
    if existing is not None:
        return existing
    problem = advice_problem(advice)
    if problem:
        raise ValidationError(problem)
    patient = Patient.objects.select_related("communication_needs").get(pk=advice_patient(advice.referral).pk)
    needs = needs_of(patient)
    address = letter_address(patient)
    letter = PatientLetter(
        advice=advice,
        patient=patient,
        body=draft_advice_body(advice, patient),
        print_format=PatientLetter.Format.LARGE
        if needs is not None and needs.large_print
        else PatientLetter.Format.STANDARD,
        drafted_to=address.text if address else "",
        created_by=user,
    )
    save_as(user, letter)
    return letter
