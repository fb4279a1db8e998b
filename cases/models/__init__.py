"""The clinical record (record.py) and the scores recorded on it (assessments.py)."""

from cases.models.assessments import (
    Assessment,
    AssessmentQuerySet,
    SinsAssessment,
    TokuhashiAssessment,
    TomitaAssessment,
)
from cases.models.record import (
    CLOCK_SKEW,
    Case,
    CaseQuerySet,
    Patient,
    PatientQuerySet,
    Scan,
    ScanQuerySet,
    ScanState,
    validate_date_of_birth,
)

__all__ = [
    "CLOCK_SKEW",
    "Assessment",
    "AssessmentQuerySet",
    "Case",
    "CaseQuerySet",
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
