"""The MDT process: team roles, meetings, agendas, attendance and preparation (meetings.py);
decisions, sign-offs and follow-ups (decisions.py); the PDFs built from them (documents.py)."""

from mdt.models.decisions import (
    RADIOTHERAPY,
    SURGICAL,
    Decision,
    DecisionQuerySet,
    FollowUp,
    Intent,
    SignOff,
    Treatment,
    modality_of,
)
from mdt.models.documents import PrintedDocument, PrintedSection
from mdt.models.meetings import (
    AgendaItem,
    AgendaItemQuerySet,
    Attendance,
    Meeting,
    MeetingQuerySet,
    Member,
    PeriodicRun,
    Preparation,
    Quorum,
    quorum_of,
)

__all__ = [
    "RADIOTHERAPY",
    "SURGICAL",
    "AgendaItem",
    "AgendaItemQuerySet",
    "Attendance",
    "Decision",
    "DecisionQuerySet",
    "FollowUp",
    "Intent",
    "Meeting",
    "MeetingQuerySet",
    "Member",
    "PeriodicRun",
    "Preparation",
    "PrintedDocument",
    "PrintedSection",
    "Quorum",
    "SignOff",
    "Treatment",
    "modality_of",
    "quorum_of",
]
