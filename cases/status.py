"""A case's status follows what happens to it: the one rule that moves it on from an event.

The pathway runs referred → imaging → awaiting MDT → decided → treatment → follow-up → closed.
Each event of the pathway names the status it brings the case to at least:

- an MRI requested: imaging;
- an MRI reported: awaiting MDT (the case joins the meeting's candidates, mdt.candidates);
- listed on an agenda: awaiting MDT;
- a decision recorded (in the meeting, urgently between meetings, or a decision time typed in the
  workspace): decided;
- treatment started: treatment.

An event never moves a case backwards (a follow-up MRI on a treated case leaves it in treatment or
follow-up) and never moves a closed case. Moving a case to follow-up or closing it stays a
coordinator's choice. Every path that records an event applies `next_status`: the services of the
scans, the agenda and the decisions, the coordinators' workspace and the PAS feed
(`cases.services.case_follow_event` saves the change with its history row).
"""

from django.db import models

from cases.choices import MRI_MODALITIES, CaseStatus

PATHWAY_ORDER: tuple[str, ...] = (
    CaseStatus.REFERRED,
    CaseStatus.IMAGING,
    CaseStatus.AWAITING_MDT,
    CaseStatus.DECIDED,
    CaseStatus.TREATMENT,
    CaseStatus.FOLLOW_UP,
    CaseStatus.CLOSED,
)


class CaseEvent(models.TextChoices):
    MRI_REQUESTED = "mri_requested", "MRI requested"
    MRI_REPORTED = "mri_reported", "MRI reported"
    LISTED = "listed", "Listed for the MDT"
    DECIDED = "decided", "Decision recorded"
    TREATED = "treated", "Treatment started"


EVENT_STATUS: dict[str, str] = {
    CaseEvent.MRI_REQUESTED: CaseStatus.IMAGING,
    CaseEvent.MRI_REPORTED: CaseStatus.AWAITING_MDT,
    CaseEvent.LISTED: CaseStatus.AWAITING_MDT,
    CaseEvent.DECIDED: CaseStatus.DECIDED,
    CaseEvent.TREATED: CaseStatus.TREATMENT,
}


def stage(status: str) -> int:
    """How far along the pathway a status is (an unknown status counts as the start)."""
    return PATHWAY_ORDER.index(status) if status in PATHWAY_ORDER else 0


def next_status(current: str, event: str) -> str:
    """The status after `event`: the event's status when it is further along, else `current` unchanged.

    A closed case stays closed; no event moves a case backwards.
    """
    if current == CaseStatus.CLOSED:
        return current
    target = EVENT_STATUS[CaseEvent(event)]
    return target if stage(target) > stage(current) else current


def scan_events(*, modality: str, reported: bool, created: bool, newly_reported: bool) -> list[str]:
    """The events a scan's save records: an MRI added is requested; an MRI report arriving is reported."""
    if modality not in MRI_MODALITIES:
        return []
    events = [CaseEvent.MRI_REQUESTED] if created else []
    if reported and (newly_reported or created):
        events.append(CaseEvent.MRI_REPORTED)
    return [str(event) for event in events]
