"""The letters' part of the case page: the patient's letter for each decision; in the case's history,
the changes to the patient's communication needs and to the letters (the formats arranged are on the
letter's page). On a referral's page: the letter after its advice (letters.advice)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest

from accounts import policy
from cases.models import Case, CommunicationNeeds
from cases.timeline import register_source
from letters import advice as advice_letters
from letters.models import PatientLetter
from mdt.models import Decision
from referrals.models import Advice, Referral


def letters_panel(request: HttpRequest, case: Case) -> tuple[str, dict[str, Any]]:
    """One query: the case's current decisions with their letters."""
    decisions = list(
        Decision.objects.current().filter(case=case).select_related("patient_letter").order_by("decided_at", "id")
    )
    rows = []
    for decision in decisions:
        try:
            letter = decision.patient_letter
        except PatientLetter.DoesNotExist:
            letter = None
        rows.append((decision, letter))
    return ("letters/_case_letters.html", {"rows": rows, "can_write": policy.can_write_patient_letter(request.user)})


def referral_letter_panel(
    request: HttpRequest, referral: Referral, advice: Advice | None
) -> tuple[str, dict[str, Any]]:
    """The letters from this referral's advice, and whether the current advice can have one (and why not)."""
    if advice is None:
        return ("letters/_referral_letter.html", {})
    letters = list(PatientLetter.objects.filter(advice__referral=referral).select_related("advice").order_by("id"))
    current_letter = next((letter for letter in letters if letter.advice_id == advice.pk), None)
    problem = advice_letters.advice_problem(advice) if current_letter is None else None
    if current_letter is None and problem is None:
        try:
            advice_letters.advice_patient(referral)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
    return (
        "letters/_referral_letter.html",
        {
            "letters": letters,
            "current_letter": current_letter,
            "problem": problem,
            "can_write": policy.can_write_patient_letter(request.user),
        },
    )


def register() -> None:
    from cases.panels import register_panel
    from referrals import panels as referral_panels

    register_panel(letters_panel)
    referral_panels.register_panel(referral_letter_panel)
    register_source(
        lambda r: "Communication needs", lambda case: CommunicationNeeds.history.filter(patient_id=case.patient_id)
    )
    register_source(
        lambda r: "Patient's letter",
        lambda case: PatientLetter.history.filter(Q(decision__case_id=case.pk) | Q(advice__referral__case_id=case.pk)),
    )
