"""MRI reminders: performed and not reviewed (escalating), requested and not performed in time."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse

from cases.choices import MRI_MODALITIES
from cases.clocks import FIRST_MRI_ANNOTATION, ClockState, case_clocks
from cases.models import Case, Scan
from cases.selectors import could_be_late, first_whole_spine_mri_at
from mdt.models import Member
from reminders.kinds.base import RECIPIENT, Kind, Run, Selection, local, mrn_of
from reminders.models import Reminder

REVIEW = Reminder.Kind.MRI_REVIEW
NOT_PERFORMED = Reminder.Kind.MRI_NOT_PERFORMED

# Who hears about an unreviewed MRI, one more step every REMINDER_MRI_REVIEW_HOURS.
RADIOLOGISTS, RESPONSIBLE_CLINICIAN, MSCC_COORDINATORS = 0, 1, 2
REVIEW_LEVELS = (RADIOLOGISTS, RESPONSIBLE_CLINICIAN, MSCC_COORDINATORS)
# The roles of the levels that go to a role (the responsible clinician's has none: skipped without one).
LEVEL_ROLES = {RADIOLOGISTS: (Member.Role.RADIOLOGIST,), MSCC_COORDINATORS: (Member.Role.MSCC_COORDINATOR,)}
NOT_PERFORMED_ROLES = (Member.Role.MSCC_COORDINATOR,)
LEVEL_LABELS = {
    RADIOLOGISTS: "the radiologists",
    RESPONSIBLE_CLINICIAN: "the responsible clinician",
    MSCC_COORDINATORS: "the MSCC coordinators",
}


def review_step() -> dt.timedelta:
    return dt.timedelta(hours=settings.REMINDER_MRI_REVIEW_HOURS)


def derive_review(run: Run) -> Iterator[Selection]:
    """One INSERT ... SELECT per level over the pending-review partial index (cases' scan_pending_review_idx),
    reading the scans waiting for review and nothing else: level 0 to every radiologist, level 1 to the
    case's responsible clinician while their account is active (none: the step is skipped, the next one
    still comes), level 2 to every MSCC coordinator; a level whose role nobody holds, to the last resort
    (the sweep's `Run.addressed`)."""
    step = review_step()
    for level in REVIEW_LEVELS:
        reminded = Reminder.objects.filter(scan=OuterRef("pk"), kind=REVIEW, level=level)
        scans = (
            Scan.objects.pending_review()
            .filter(performed_at__lte=run.now - step * (level + 1))
            .filter(~Exists(reminded))
        )
        values = {"level": level, "scan": F("pk"), "due_at": F("performed_at") + step * (level + 1)}
        key = ("mri-review:", F("pk"), ":", RECIPIENT, f":{level}")
        if level == RESPONSIBLE_CLINICIAN:
            clinician = "case__responsible_clinician"
            scans = scans.filter(**{f"{clinician}__is_active": True})
            yield Selection(REVIEW, scans, values, key, case="case", recipient=clinician)
        else:
            yield Selection(REVIEW, scans, values, key, case="case", roles=LEVEL_ROLES[level])


def review_open(now: dt.datetime) -> Q:
    """Not yet reviewed (pending_review() also requires performed, which a reviewed scan always is)."""
    return Q(reviewed_at__isnull=True)


def review_context(reminder: Reminder) -> dict[str, Any]:
    scan = reminder.scan
    assert scan is not None
    return {
        "mrn": mrn_of(reminder),
        "performed_at": local(scan.performed_at),
        "level": reminder.level,
        "escalated_from": [LEVEL_LABELS[level] for level in REVIEW_LEVELS if level < reminder.level],
        "hours": settings.REMINDER_MRI_REVIEW_HOURS * (reminder.level + 1),
    }


def case_path(reminder: Reminder) -> str:
    return reverse("case-detail", args=[reminder.case_id]) if reminder.case_id else reverse("dashboard")


def not_performed_open(now: dt.datetime) -> Q:
    """Not yet performed."""
    return Q(performed_at__isnull=True)


def derive_not_performed(run: Run) -> Iterator[Reminder]:
    """Requested MRIs not yet reminded of, on cases whose MRI clock is at risk or breached.

    The database narrows to open cases with such a scan whose MRI clock could be late (the
    dashboard's conditions, cases.selectors.could_be_late); cases.clocks decides exactly. An
    idle sweep, with every late clock's scans already reminded of, reads no case at all.
    """
    coordinators = run.users_with_roles(*NOT_PERFORMED_ROLES)
    if not coordinators:
        return
    reminded = Reminder.objects.filter(scan=OuterRef("pk"), kind=NOT_PERFORMED)
    waiting = Scan.objects.filter(not_performed_open(run.now), modality__in=MRI_MODALITIES).filter(~Exists(reminded))
    cases = (
        Case.objects.open()
        .filter(could_be_late("mri_whole_spine_24h", run.now) | could_be_late("mri_whole_spine_1w", run.now))
        .filter(Exists(waiting.filter(case=OuterRef("pk"))))
        .annotate(**{FIRST_MRI_ANNOTATION: first_whole_spine_mri_at()})
    )
    late = (ClockState.AT_RISK, ClockState.BREACHED)
    mri_clocks = {
        clock.case_id: clock
        for case in cases
        for clock in case_clocks(case, run.now)
        if clock.target.key.startswith("mri_") and clock.is_open and clock.state in late and clock.started_at
    }
    if not mri_clocks:
        return
    requested = waiting.filter(case_id__in=list(mri_clocks)).order_by().values_list("pk", "case_id")
    for scan_id, case_id in requested:
        clock = mri_clocks[case_id]
        assert clock.started_at is not None
        for user_id in coordinators:
            yield run.new(
                NOT_PERFORMED,
                recipient_id=user_id,
                due_at=clock.target.at_risk_from(clock.started_at),
                key=f"mri-not-performed:{scan_id}:{user_id}",
                scan_id=scan_id,
                case_id=case_id,
            )


def not_performed_context(reminder: Reminder) -> dict[str, Any]:
    """The target's name is left out on purpose: it says which pathway (suspected MSCC) the patient is on."""
    scan = reminder.scan
    assert scan is not None and reminder.case is not None
    clocks = [clock for clock in case_clocks(reminder.case) if clock.target.key.startswith("mri_")]
    return {
        "mrn": mrn_of(reminder),
        "requested_at": local(scan.requested_at),
        "target_due_at": local(clocks[0].due_at) if clocks else None,
        "breached": bool(clocks) and clocks[0].state == ClockState.BREACHED,
    }


def scan_admin_path(reminder: Reminder) -> str:
    """Coordinators record the scan's performed time in their workspace."""
    if reminder.scan_id:
        return reverse("admin:cases_scan_change", args=[reminder.scan_id])
    return case_path(reminder)


KINDS = (
    Kind(REVIEW, "scan", derive_review, review_open, review_context, case_path, tuple(LEVEL_ROLES.values())),
    Kind(
        NOT_PERFORMED,
        "scan",
        derive_not_performed,
        not_performed_open,
        not_performed_context,
        scan_admin_path,
        (NOT_PERFORMED_ROLES,),
    ),
)
