"""One click from a referral to a case: match or create the patient, then link or create the case.

The patient is matched by NHS number only. When the record found differs from the referral in
name or date of birth the accept is refused with the differences listed, unless the coordinator
confirms it is the same person (their note is recorded on the referral); the patient's record is
never changed by a referral. With no patient of that NHS number, the patients registered with the
same family name and date of birth (cases.duplicates, HAZ-020) are shown, and the coordinator says
which one the referral is, or that it is a different person to register (`_chosen`): the choice is
recorded on the referral, and on a new patient's history row. A patient with an open case gets the referral
linked to that case, not a second case. Otherwise the case is created with everything the referral said, and
listed as an MDT candidate (awaiting MDT) when the advice outcome says so: the dexamethasone dose with its
reason, and the referrer's MRI as a performed scan (`_scan_from_referral`). What the case has no field for
(neurology detail, symptom onset, known metastases, systemic therapy, bloods, where the MRI was done) stays on
the referral, shown on the case page by the referral's panel (referrals.case_panel).

The MRI clock (cases.clocks) counts only imaging at or after the suspicion: an MRI done before the
referral would never meet it, and a patient already scanned would show a breached clock. The referrer's
MRI is what raised or answered the suspicion, so the suspicion was no later than that MRI: the case's
suspicion time is the earlier of the MRI and the referral (HAZ-200). A patient not yet scanned keeps the
referral as the start, and the clock runs.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.policy import can_accept_referral
from cases.choices import CaseStatus, Modality, PreviousRadiotherapy, PrimarySite, Sex, SteroidIndication
from cases.duplicates import checked_reason, duplicate_error, possible_duplicates
from cases.models import Case, Patient, Scan
from cases.status import CaseEvent, next_status
from core.history import save_as
from referrals.choices import MDT_CANDIDATE, TAKES_ON, Status, YesNoUnknown
from referrals.models import Advice, Referral

NEW_PERSON = "A different person: register them as new"


@dataclass
class IdentityCheck:
    patient: Patient | None = None
    differences: list[str] = field(default_factory=list)
    open_case: Case | None = None
    duplicates: list[Patient] = field(default_factory=list)  # without an NHS number match: who it may be


def identity_check(referral: Referral) -> IdentityCheck:
    """What accepting would do: the patient found by NHS number, how they differ, their open case; else the
    patients registered who may be the referral's (same family name and date of birth)."""
    patient = Patient.objects.filter(nhs_number=referral.nhs_number).first() if referral.nhs_number else None
    if patient is not None:
        return IdentityCheck(patient, referral.patient_matches(patient), _open_case(patient))
    born = referral.date_of_birth
    if born is None:
        return IdentityCheck()
    as_referred = Patient(family_name=referral.family_name, date_of_birth=born, nhs_number=referral.nhs_number)
    return IdentityCheck(duplicates=possible_duplicates(as_referred))


def _open_case(patient: Patient) -> Case | None:
    return Case.objects.filter(patient=patient).open().order_by("-referred_at").first()


def _chosen(check: IdentityCheck, referral: Referral, same_as: int | None, different_person: bool) -> Patient | None:
    """The possible duplicate the coordinator said the referral's patient is; None for a different person."""
    if same_as is None and different_person:
        return None
    if same_as is None:
        raise ValidationError({"same_as": duplicate_error(check.duplicates, confirm_label=NEW_PERSON)})
    chosen = next((patient for patient in check.duplicates if patient.pk == same_as), None)
    if chosen is None:
        raise ValidationError({"same_as": "That patient is not a possible duplicate of this referral: choose again."})
    return chosen


def patient_from_referral(referral: Referral, mrn: str, user: Any, checked: list[Patient] | None = None) -> Patient:
    """The referral's patient registered here under `mrn`, with history naming `user` (accepting a new
    patient; the demo's advice letter), and the possible duplicates a person said it is not (`checked`)."""
    assert referral.date_of_birth is not None  # a blocker: no referral is submitted without it
    if not mrn.strip():
        raise ValidationError({"mrn": "Give the patient's hospital number (MRN) here: they are new to the service."})
    patient = Patient(
        mrn=mrn.strip(),
        nhs_number=referral.nhs_number,
        given_name=referral.given_name,
        family_name=referral.family_name,
        date_of_birth=referral.date_of_birth,
        sex=referral.sex or Sex.NOT_KNOWN,
        primary_site=referral.primary_site or PrimarySite.UNKNOWN_PRIMARY,
        primary_site_detail=referral.histology,
    )
    try:
        patient.full_clean()
    except ValidationError as exc:
        raise ValidationError({"mrn" if "mrn" in exc.message_dict else "__all__": exc.messages}) from exc
    if checked:
        patient._change_reason = checked_reason(checked)  # type: ignore[attr-defined]  # read by simple_history
    save_as(user, patient)
    return patient


def _duplicates_note(found: list[Patient], patient: Patient) -> str:
    """What the coordinator said of the possible duplicates, on the referral."""
    mrns = ", ".join(other.mrn for other in found)
    if patient in found:
        return (
            f"No patient with the referral's NHS number; the coordinator chose MRN {patient.mrn} among the "
            f"patients with the same family name and date of birth (MRN {mrns})."
        )
    return f"Possible duplicates (same family name and date of birth: MRN {mrns}) checked: a different person."


def _previous_rt_detail(referral: Referral) -> str:
    if referral.previous_spinal_rt != PreviousRadiotherapy.YES:
        return ""
    return "; ".join(part for part in (", ".join(referral.previous_rt_levels), referral.previous_rt_dose) if part)[:200]


def _suspected_at(referral: Referral) -> dt.datetime:
    """The case's suspicion time: the referral at the latest, and no later than the referrer's MRI."""
    assert referral.submitted_at is not None
    if referral.mri_at is not None and referral.mri_done != YesNoUnknown.NO:
        return min(referral.submitted_at, referral.mri_at)
    return referral.submitted_at


def _new_case(referral: Referral, patient: Patient, advice: Advice | None, user: Any, dose_reason: str) -> Case:
    assert referral.submitted_at is not None
    steroids = referral.dexamethasone_given == YesNoUnknown.YES
    listed = advice is not None and advice.outcome in MDT_CANDIDATE
    case = Case(
        patient=patient,
        referred_at=referral.submitted_at,
        referrer=f"{referral.referrer_name}, {referral.organisation.name} (referral {referral.reference})"[:200],
        presentation=referral.presentation,
        red_flags=referral.red_flags,
        # The NICE clocks start no later than the referral, nor than the referrer's MRI (a coordinator can
        # set an earlier time): _suspected_at.
        suspected_diagnosis_at=_suspected_at(referral),
        frankel_grade=referral.frankel_grade,
        ambulatory_status=referral.ambulatory_status,
        ecog=referral.ecog,
        mdt_question=referral.question,
        previous_spinal_rt=referral.previous_spinal_rt or PreviousRadiotherapy.UNKNOWN,
        previous_rt_detail=_previous_rt_detail(referral),
        steroids_started_at=referral.dexamethasone_first_dose_at if steroids else None,
        steroid_dose_mg=referral.dexamethasone_dose_mg if steroids else None,
        steroid_dose_reason=(referral.dexamethasone_dose_reason.strip() or dose_reason.strip()) if steroids else "",
        steroid_indication=(SteroidIndication.NEURO_MSCC if steroids and referral.has_neurology else ""),
        status=next_status(CaseStatus.REFERRED, CaseEvent.LISTED) if listed else CaseStatus.REFERRED,
    )
    case.full_clean()
    save_as(user, case)
    _scan_from_referral(referral, case, user)
    return case


def _accession(referral: Referral) -> str:
    """The referral's accession number for the scan, when it fits and no other scan has it (a number from
    another hospital's system may collide with one here): else left blank, still on the referral."""
    number = referral.accession_number.strip()
    limit = Scan._meta.get_field("accession_number").max_length or 0
    if not number or len(number) > limit or Scan.objects.filter(accession_number=number).exists():
        return ""
    return number


def _scan_from_referral(referral: Referral, case: Case, user: Any) -> Scan | None:
    """The referrer's MRI on the new case, performed when the referral says, as what it covered: a
    whole-spine MRI only when the referral says so (anything else never meets the whole-spine clocks)."""
    if referral.mri_at is None or referral.mri_done == YesNoUnknown.NO:
        return None  # not done, or no time given: the referral's panel shows what it says
    assert referral.submitted_at is not None
    report = referral.mri_report.strip()
    scan = Scan(
        case=case,
        modality=referral.mri_modality or Modality.MRI_TARGETED,
        requested_at=referral.mri_at,
        performed_at=referral.mri_at,
        # The report came with the referral: it was written by the time the referral was submitted.
        reported_at=max(referral.mri_at, referral.submitted_at) if report else None,
        report=report,
        accession_number=_accession(referral),
    )
    scan.full_clean()
    save_as(user, scan)
    return scan


@transaction.atomic
def referral_accept(
    *,
    referral_id: int,
    user: Any,
    mrn: str = "",
    same_person_note: str = "",
    steroid_dose_reason: str = "",
    same_as: int | None = None,
    different_person: bool = False,
) -> Case:
    """Accept: the case the referral becomes (or joins). Refused for a mismatched identity without a note,
    and for possible duplicates until the coordinator says which patient it is (`same_as`, a patient's id) or
    that it is a different person (`different_person`).

    `steroid_dose_reason`: the coordinator's, for a referral submitted before the form asked for one."""
    if not can_accept_referral(user):
        raise PermissionDenied("Only the service's coordinators accept referrals.")
    referral = Referral.objects.select_for_update().select_related("organisation").get(pk=referral_id)
    if referral.status == Status.ACCEPTED and referral.case is not None:
        return referral.case  # accepted twice (a double click): the same case
    if referral.status not in (Status.NEW, Status.IN_TRIAGE, Status.ADVICE_GIVEN):
        raise ValidationError(f"This referral is {referral.get_status_display().lower()}: it cannot be accepted.")
    advice = referral.advice.current().order_by("-given_at", "-id").first()
    if advice is not None and advice.outcome not in TAKES_ON:
        raise ValidationError(
            f"The advice was {advice.get_outcome_display().lower()}: amend the advice before taking the patient on."
        )
    check = identity_check(referral)
    if check.differences and not same_person_note.strip():
        raise ValidationError(
            {
                "same_person_note": "The NHS number belongs to a patient whose details differ ("
                + "; ".join(check.differences)
                + "). Check with the referrer; if it is the same person, say how you confirmed it."
            }
        )
    patient, open_case = check.patient, check.open_case
    if patient is None and check.duplicates:
        patient = _chosen(check, referral, same_as, different_person)
        open_case = _open_case(patient) if patient is not None else None
    patient = patient or patient_from_referral(referral, mrn, user, checked=check.duplicates)
    case = open_case or _new_case(referral, patient, advice, user, steroid_dose_reason)
    referral.case = case
    referral.status = Status.ACCEPTED
    referral.accepted_at = timezone.now()
    if check.differences:
        referral.identity_note = "Details differed: " + "; ".join(check.differences) + ". " + same_person_note.strip()
    elif check.duplicates:
        referral.identity_note = _duplicates_note(check.duplicates, patient)
    referral.version += 1
    save_as(user, referral)
    return case
