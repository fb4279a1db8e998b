"""Writes of the patient's letter: draft from a decision (from advice: letters.advice), edit, release;
format tasks done.

Every rule is here, and the pages only call these: release needs a clinician who may release
letters and a signed-off decision (accounts.policy.may_release_letter_for) or current advice
(may_release_advice_letter_for), a living patient, an
address (cases.communication.letter_address, read at release: a PAS address that changed since the
draft is the one used), the 24-hour number configured, and an unchanged letter (a stale edit is refused).
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import policy
from cases.communication import letter_address, needs_of
from core.concurrency import stale_edit
from core.fields import unstorable
from core.history import save_as
from letters import advice, readability
from letters.advice import letter_draft_from_advice
from letters.models import FormatTask, PatientLetter
from letters.writing import draft_body
from mdt.models import Decision

__all__ = ["format_task_done", "letter_draft", "letter_draft_from_advice", "letter_edit", "letter_release"]

NOT_SIGNED: dict[str, str] = {
    Decision.Status.AWAITING_SIGNOFF: "The decision is not signed off yet: the letter can be released once every "
    "named clinician has signed it.",
    Decision.Status.SUPERSEDED: "The decision was amended: write the letter from the amendment instead.",
}


def _letter_for_update(letter_id: int) -> PatientLetter:
    return (
        PatientLetter.objects.select_for_update(of=("self",))
        .select_related(
            "patient__communication_needs",
            "decision__case",
            "decision__agenda_item__meeting",
            "advice__referral__organisation",
        )
        .get(pk=letter_id)
    )


def _refuse_stale(letter: PatientLetter, loaded_version: int | None) -> None:
    """The letter's page always sends the version it was opened at: a post without it is refused too."""
    lines = stale_edit(letter, loaded_version)
    if lines is not None:
        lines = lines or ["someone else saved it"]
        raise ValidationError(f"This letter was changed while you had it open: {'; '.join(lines)}. Check it again.")


@transaction.atomic
def letter_draft(*, decision_id: int, user: Any) -> PatientLetter:
    """The decision's letter: the existing one, or a first draft written from the decision."""
    if not policy.can_write_patient_letter(user):
        raise PermissionDenied("Only the MDT's coordinators and clinicians write patients' letters.")
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("case__patient__communication_needs", "agenda_item__meeting")
        .get(pk=decision_id)
    )
    existing = PatientLetter.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    if decision.status == Decision.Status.SUPERSEDED:
        raise ValidationError(NOT_SIGNED[Decision.Status.SUPERSEDED])
    patient = decision.case.patient
    needs = needs_of(patient)
    large = needs is not None and needs.large_print
    address = letter_address(patient)
    letter = PatientLetter(
        decision=decision,
        patient=patient,
        body=draft_body(decision),
        print_format=PatientLetter.Format.LARGE if large else PatientLetter.Format.STANDARD,
        drafted_to=address.text if address else "",
        created_by=user,
    )
    save_as(user, letter)
    return letter


@transaction.atomic
def letter_edit(
    *, letter_id: int, user: Any, body: str, print_format: str, loaded_version: int | None
) -> PatientLetter:
    if not policy.can_write_patient_letter(user):
        raise PermissionDenied("Only the MDT's coordinators and clinicians write patients' letters.")
    letter = _letter_for_update(letter_id)
    if letter.released:
        raise ValidationError("This letter has been released: it can no longer be changed.")
    _refuse_stale(letter, loaded_version)
    errors: dict[str, str] = {}
    if not body.strip():
        errors["body"] = "The letter needs its text: write what the patient should know."
    elif problem := unstorable(body):
        errors["body"] = problem
    if print_format not in PatientLetter.Format.values:
        errors["print_format"] = "Choose standard or large print."
    if errors:
        raise ValidationError(errors)
    letter.body = body.strip()
    letter.print_format = print_format
    letter.version += 1
    save_as(user, letter)
    return letter


def release_problems(letter: PatientLetter, user: Any) -> list[str]:
    """Why this user cannot release this letter now (empty: they can). The page shows them."""
    patient = letter.patient
    problems = []
    if letter.released:
        problems.append("This letter has already been released.")
    if not policy.can_release_patient_letter(user):
        problems.append("Only a clinician who signs MDT decisions can release a patient's letter.")
    elif letter.decision is not None and not policy.may_release_letter_for(
        user, decision_status=letter.decision.status
    ):
        problems.append(NOT_SIGNED.get(letter.decision.status, "The decision is not signed off."))
    elif letter.advice is not None and not policy.may_release_advice_letter_for(
        user, advice_current=advice.is_current(letter.advice)
    ):
        problems.append(advice.AMENDED)
    if patient.died_on is not None:
        problems.append(f"The patient died on {patient.died_on:%-d %B %Y}: no letter is sent.")
    if letter_address(patient) is None:
        problems.append(
            "No address for the patient's letters: the PAS holds none and none is recorded with their "
            "communication needs (record one there)."
        )
    if not settings.PATIENT_SAFETY_NET_PHONE:
        problems.append(
            "The service's 24-hour number is not configured (PATIENT_SAFETY_NET_PHONE): the safety box would be empty."
        )
    return problems


def _copies(letter: PatientLetter) -> str:
    patient = letter.patient
    gp = ", ".join(part for part in (patient.gp_name, patient.gp_practice) if part)
    copies = [f"GP: {gp or 'not recorded'}", f"Referrer: {letter.referrer or 'not recorded'}"]
    needs = needs_of(patient)
    if needs is not None and needs.copy_to_carer:
        copies.append(f"Carer or advocate: {needs.carer_name}")
    return "\n".join(copies)


@transaction.atomic
def letter_release(*, letter_id: int, user: Any, loaded_version: int | None) -> PatientLetter:
    """Release the reviewed letter: recorded with who, when, the name and address it goes to, and the
    formats to arrange. Refused (nothing saved) while any `release_problems` remains."""
    letter = _letter_for_update(letter_id)
    if not policy.can_release_patient_letter(user):
        raise PermissionDenied("Only a clinician who signs MDT decisions can release a patient's letter.")
    _refuse_stale(letter, loaded_version)
    problems = release_problems(letter, user)
    if problems:
        raise ValidationError(problems)
    patient = letter.patient
    needs = needs_of(patient)
    address = letter_address(patient)  # as it is now: a PAS address that changed since the draft is used
    assert address is not None  # release_problems checked the address
    letter.status = PatientLetter.Status.RELEASED
    letter.released_by = user
    letter.released_at = timezone.now()
    letter.released_to = f"{patient.given_name} {patient.family_name}\n{address.text}"
    letter.address_source = address.source
    letter.copies_to = _copies(letter)
    letter.reading_grade = readability.grade(letter.body)
    letter.version += 1
    save_as(user, letter)
    # Each Need is a yes/no of the needs record: easy read, braille, audio, interpreter.
    for need in [n for n in FormatTask.Need.values if needs is not None and getattr(needs, n)]:
        save_as(user, FormatTask(letter=letter, need=need))
    return letter


@transaction.atomic
def format_task_done(*, task_id: int, user: Any) -> FormatTask:
    if not policy.is_coordinator(user):
        raise PermissionDenied("The coordinators arrange the formats the app does not make.")
    task = FormatTask.objects.select_for_update().get(pk=task_id)
    if task.done_at is not None:
        raise ValidationError("This format was already marked arranged.")
    task.done_at, task.done_by = timezone.now(), user
    save_as(user, task)
    return task
