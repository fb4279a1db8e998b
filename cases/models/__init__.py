"""The clinical record: patients and cases (record.py), imaging (scans.py), scores (assessments.py)."""

from cases.models.assessments import (
    Assessment,
    AssessmentQuerySet,
    SinsAssessment,
    TokuhashiAssessment,
    TomitaAssessment,
)
from cases.models.communication import CommunicationNeeds
from cases.models.record import (
    CLOCK_SKEW,
    Case,
    CaseQuerySet,
    Patient,
    PatientQuerySet,
    validate_date_of_birth,
)
from cases.models.scans import Scan, ScanQuerySet, ScanState

__all__ = [
    "CLOCK_SKEW",
    "Assessment",
    "AssessmentQuerySet",
    "Case",
    "CaseQuerySet",
    "CommunicationNeeds",
    "Patient",
    "PatientQuerySet",
    "Scan",
    "ScanQuerySet",
    "ScanState",
    "SinsAssessment",
    "TokuhashiAssessment",
    "TomitaAssessment",
    "validate_date_of_birth",
]
