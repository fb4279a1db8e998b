"""Writes to the clinical record."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import policy
from cases.choices import ReviewerRole
from cases.models import Assessment, Case, Patient, Scan
from cases.models.assessments import CURRENT_VERSION, apply_result
from cases.models.scans import reviewer_role_of
from cases.signals import patient_died
from cases.status import CaseEvent, next_status, scan_events
from core.history import save_as

DEATH_SOURCES = {"typed": "typed on a page", "workspace": "the coordinators' workspace", "pas": "the hospital PAS feed"}


@transaction.atomic
def scan_mark_reviewed(*, scan_id: int, user: Any) -> Scan:
    """Record a specialist's review of a performed scan, with the reviewer's role at the time.

    The rule (cases.choices.ReviewerRole, hazard HAZ-015): a radiologist's review is the review readiness
    asks for and takes the scan off the review worklist; an oncologist's or spinal surgeon's review is
    recorded beside it, with their role, and the scan stays on the radiologists' worklist. Only users with
    cases.review_scan and one of those active team roles may review; each kind of review happens once.
    """
    role = reviewer_role_of(user)
    if not policy.can_review_scan(user) or not role:
        raise PermissionDenied("Only a radiologist, oncologist or spinal surgeon can mark a scan reviewed.")
    scan = Scan.objects.select_for_update().get(pk=scan_id)
    if not scan.performed_at:
        raise ValidationError("This scan has not been performed yet, so it cannot be reviewed.", code="not_performed")
    if role == ReviewerRole.RADIOLOGIST:
        if scan.reviewed_at:
            raise ValidationError("This scan was already reviewed.", code="already_reviewed")
        scan.reviewed_at, scan.reviewed_by, scan.reviewer_role = timezone.now(), user, role
        fields = ["reviewed_at", "reviewed_by", "reviewer_role", "updated_at"]
    else:
        if scan.clinician_reviewed_at:
            raise ValidationError(
                "An oncologist or spinal surgeon already recorded their review of this scan.", code="already_reviewed"
            )
        scan.clinician_reviewed_at, scan.clinician_reviewed_by, scan.clinician_reviewer_role = (
            timezone.now(),
            user,
            role,
        )
        fields = ["clinician_reviewed_at", "clinician_reviewed_by", "clinician_reviewer_role", "updated_at"]
    scan.full_clean()
    scan.version += 1  # a scan form opened before the review must not erase it
    save_as(user, scan, update_fields=[*fields, "version"])
    return scan


@transaction.atomic
def case_follow_events(*, case_id: int, events: Iterable[str], user: Any) -> bool:
    """Move a case's status on for what happened to it (cases.status.next_status); True if it moved.

    Called by every path that records an event (a scan requested or reported, the case listed, a
    decision, treatment started), after that path's own checks. Never moves a closed case or a case
    backwards; a change is saved with a history row naming the user and the events, and moves the
    record's version on, so a case form opened before cannot put the old status back.
    """
    events = list(dict.fromkeys(str(event) for event in events))
    if not events:
        return False
    case = Case.objects.select_for_update().get(pk=case_id)
    status = case.status
    for event in events:
        status = next_status(status, event)
    if status == case.status:
        return False
    before = case.get_status_display()
    case.status = status
    case.version += 1
    what = ", ".join(CaseEvent(event).label for event in events)
    case._change_reason = f"Status {before} → {case.get_status_display()} after: {what}"  # type: ignore[attr-defined]
    save_as(user, case, update_fields=["status", "version", "updated_at"])
    return True


def case_follow_scan(*, scan: Scan, created: bool, reported_before: bool, user: Any) -> bool:
    """A scan was saved (added, or its report filed): move its case on for an MRI requested or reported."""
    reported = scan.reported_at is not None
    events = scan_events(
        modality=scan.modality, reported=reported, created=created, newly_reported=reported and not reported_before
    )
    return case_follow_events(case_id=scan.case_id, events=events, user=user)


# Each kind of review (ReviewerRole): the fields that record it.
REVIEW_FIELDS = {
    "radiologist": ("reviewed_at", "reviewed_by", "reviewer_role"),
    "clinician": ("clinician_reviewed_at", "clinician_reviewed_by", "clinician_reviewer_role"),
}


def own_review(scan: Scan, user: Any) -> str | None:
    """Which review of `scan` is `user`'s ("radiologist" or "clinician"), or None."""
    for kind, (at, by, _) in REVIEW_FIELDS.items():
        if getattr(scan, at) is not None and getattr(scan, f"{by}_id") == user.pk:
            return kind
    return None


def unreview_deadline(scan: Scan, user: Any) -> dt.datetime | None:
    """Until when `user` may take their review back (SCAN_UNREVIEW_MINUTES), or None."""
    kind = own_review(scan, user)
    if kind is None:
        return None
    reviewed_at: dt.datetime = getattr(scan, REVIEW_FIELDS[kind][0])
    return reviewed_at + dt.timedelta(minutes=settings.SCAN_UNREVIEW_MINUTES)


def can_unreview(scan: Scan, user: Any, *, now: dt.datetime | None = None) -> bool:
    deadline = unreview_deadline(scan, user)
    return bool(deadline and (now or timezone.now()) <= deadline)


@transaction.atomic
def scan_unmark_reviewed(*, scan_id: int, user: Any) -> Scan:
    """Take back one's own review within the window: the scan waits for review again. History keeps both."""
    scan = Scan.objects.select_for_update().select_related("case__patient").get(pk=scan_id)
    if scan.reviewed_at is None and scan.clinician_reviewed_at is None:
        raise ValidationError("This scan is not marked reviewed.", code="not_reviewed")
    kind = own_review(scan, user)
    if kind is None:
        raise PermissionDenied("Only the clinician who reviewed the scan can take the review back.")
    if not can_unreview(scan, user):
        raise ValidationError(
            f"The review can only be taken back within {settings.SCAN_UNREVIEW_MINUTES} minutes of marking it.",
            code="too_late",
        )
    at, by, role = REVIEW_FIELDS[kind]
    setattr(scan, at, None)
    setattr(scan, by, None)
    setattr(scan, role, "")
    scan.version += 1
    save_as(user, scan, update_fields=[at, by, role, "version", "updated_at"])
    return scan


@transaction.atomic
def assessment_record(
    *,
    case: Case,
    kind: str,
    components: dict[str, str | None],
    user: Any,
    level: str = "",
    scan: Scan | None = None,
    assessed_at: dt.datetime | None = None,
    note: str = "",
) -> Assessment:
    """Record a score on a case with its total and band by the current version's tables.

    A blank component is kept as missing: the assessment is saved as incomplete, never with a total
    that counts it as 0. Bad input raises ValidationError naming the field.
    """
    if not policy.can_score(user):
        raise PermissionDenied("Only clinicians record scores.")
    assessment = Assessment(
        case=case,
        kind=kind,
        version=CURRENT_VERSION[kind],
        level=level,
        # Only a blank (None or "") is left out: 0 or False reaches validation and is refused, not dropped.
        components={key: value for key, value in components.items() if value is not None and value != ""},
        scan=scan,
        assessed_by=user,
        assessed_at=assessed_at or timezone.now(),
        note=note,
    )
    assessment.full_clean(exclude=["total", "band", "complete"])
    apply_result(assessment)
    save_as(user, assessment)
    return assessment


@transaction.atomic
def patient_record_death(*, patient_id: int, date_of_death: dt.date, user: Any, source: str = "typed") -> Patient:
    """Record a patient's death and stop everything that would chase them: the one path for every source.

    1. Saves the date of death (not in the future, not before birth; ValidationError on died_on
       otherwise), with a history row naming the user and the source, and moves the record's
       version on so an edit form opened before cannot put the patient back.
    2. The patient's NICE clocks end (cases.clocks reads died_on: state "ended") and the patient
       leaves every worklist (Case.objects.on_worklists(), cases.selectors).
    3. Sends cases.signals.patient_died in this transaction: reminders cancels the unsent
       reminders and follow-up chasing with the reason in its outbox; mdt's agenda readiness shows
       the patient on any future agenda for the coordinator to withdraw.
    Recording the same date again saves nothing and repeats step 3.
    """
    if source not in DEATH_SOURCES:
        raise ValueError(f"source must be one of {', '.join(DEATH_SOURCES)}")
    # The PAS feed's system user holds no permissions: the feed is authorised by its connection.
    if source != "pas" and not policy.can_record_death(user):
        raise PermissionDenied("Only the MSCC or MDT coordinators (or the hospital's feed) record a death.")
    patient = Patient.objects.select_for_update().get(pk=patient_id)
    if patient.died_on != date_of_death:
        patient.died_on = date_of_death
        patient.full_clean(validate_unique=False)
        patient.version += 1
        patient._change_reason = f"Death recorded from {DEATH_SOURCES[source]}"  # type: ignore[attr-defined]
        save_as(user, patient, update_fields=["died_on", "version", "updated_at"])
    patient_died.send(sender=Patient, patient_id=patient.pk, date_of_death=date_of_death, user=user, source=source)
    return patient
