"""Patients' letters in the demo service: three patients with communication needs, each with a letter
drafted from their signed decision (left to a clinician to review and release); and a letter drafted
from the advice given on a referral from another hospital (radiotherapy locally, no MDT discussion),
its patient registered here as a coordinator would before writing to them.

Registered with core.demo, so `seed_demo` runs it (DEBUG only). Idempotent: nothing is made once any
needs are recorded. Made through the services, as a coordinator and an oncologist would; the
addresses are made up.
"""

from typing import Any

from accounts.choices import MemberRole
from cases.communication import communication_needs_record
from letters.services import letter_draft, letter_draft_from_advice
from mdt.models import Decision, Member

NEEDS: list[dict[str, Any]] = [
    {"large_print": True, "address": "4 Demo Terrace\nRiverside\nDM1 4AA"},
    {"interpreter": True, "language": "Welsh", "easy_read": True, "address": "17 Sample Road\nHillside\nDM2 7BB"},
    {
        "screen_reader": True,
        "copy_to_carer": True,
        "carer_name": "Gareth Example (son)",
        "carer_address": "2 Test Close\nCoastal\nDM3 1CC",
        "address": "9 Placeholder Lane\nCoastal\nDM3 2CC",
    },
]


def _user(role: str) -> Any:
    member = Member.objects.filter(role=role, active=True).select_related("user").order_by("id").first()
    return member.user if member else None


def seed(password: str) -> list[tuple[str, str]]:
    from cases.models import CommunicationNeeds

    coordinator, oncologist = _user(MemberRole.MDT_COORDINATOR), _user(MemberRole.ONCOLOGIST)
    if CommunicationNeeds.objects.exists() or coordinator is None or oncologist is None:
        return []
    signed = (
        Decision.objects.filter(status=Decision.Status.SIGNED, case__patient__died_on__isnull=True)
        .select_related("case__patient")
        .order_by("id")
    )
    chosen: dict[int, Decision] = {}
    for decision in signed:
        chosen.setdefault(decision.case.patient_id, decision)
        if len(chosen) == len(NEEDS):
            break
    for (patient_id, decision), data in zip(chosen.items(), NEEDS, strict=False):
        communication_needs_record(patient_id=patient_id, user=coordinator, data=data)
        letter_draft(decision_id=decision.pk, user=oncologist)
    _advice_letter(coordinator, oncologist)
    return []


ADVICE_ADDRESS = "31 Example Street\nHillside\nDM2 9DD"


def _advice_letter(coordinator: Any, oncologist: Any) -> None:
    """The first current advice that is itself the plan (referrals.choices.PLAN_IN_ADVICE) on a referral
    with an NHS number: its patient registered with an address, and the letter drafted from the advice."""
    from cases.models import Patient
    from letters.advice import advice_problem
    from referrals.models import Advice
    from referrals.services.accept import patient_from_referral

    candidates = Advice.objects.filter(referral__nhs_number__isnull=False).select_related("referral").order_by("id")
    advice = next((a for a in candidates if advice_problem(a) is None), None)
    if advice is None:
        return
    referral = advice.referral
    patient = Patient.objects.filter(nhs_number=referral.nhs_number).first() or patient_from_referral(
        referral, f"DEMO-R{referral.pk:04d}", coordinator
    )
    communication_needs_record(patient_id=patient.pk, user=coordinator, data={"address": ADVICE_ADDRESS})
    letter_draft_from_advice(advice_id=advice.pk, user=oncologist)
