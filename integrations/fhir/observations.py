"""Observations: the scores (SINS per level, revised Tokuhashi, Tomita), the ESCC grade of each
graded scan, Frankel grades and performance status (ECOG, Karnofsky).

Ids say where each comes from, so a read finds its row: score-<assessment id>, escc-<scan id>,
frankel-<case id>, frankel-after-<case id>, ecog-<case id>, karnofsky-<case id>.
A score keeps its components (each option chosen, with its points), its total and band; an
incomplete score has no total (a blank component is never counted as 0: docs/clinical-reference.md §1).
"""

from typing import Any

from cases.choices import ESCC_KEYS, EsccGradeChoice, FrankelGrade
from cases.models import Assessment, Case, Scan
from integrations.fhir import codes
from integrations.fhir.record import local_datetime, meta, ref

SCORE_NAMES = {"sins": "SINS", "tokuhashi": "Revised Tokuhashi score", "tomita": "Tomita score"}


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return [codes.concept(codes.OBSERVATION_CATEGORY, code, display)]


def score(row: Assessment, patient_id: int) -> dict[str, Any]:
    definition = row.definition
    result = row.result()
    components = []
    for key, options in definition.components.items():
        chosen = row.components.get(key)
        component: dict[str, Any] = {
            "code": codes.local(f"{definition.score}-component", key, definition.component_labels.get(key, key))
        }
        if chosen in options:
            points, label = options[chosen]
            component["valueCodeableConcept"] = codes.local(
                f"{definition.score}-{key}", chosen, label, text=f"{label} ({points} point{'' if points == 1 else 's'})"
            )
        else:
            component["dataAbsentReason"] = codes.concept(codes.DATA_ABSENT_REASON, "unknown", "Unknown")
        components.append(component)
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"score-{row.pk}",
        "meta": meta(row.created_at),
        "status": "final" if result.complete else "preliminary",
        "category": _category("survey", "Survey"),
        "code": codes.local("score", row.version, SCORE_NAMES.get(row.kind, row.kind), text=row.version),
        "subject": ref("Patient", patient_id),
        "effectiveDateTime": local_datetime(row.assessed_at),
        "issued": local_datetime(row.created_at),
        "component": components,
    }
    if result.complete and result.total is not None:
        resource["valueInteger"] = result.total
        if result.band:
            resource["interpretation"] = [codes.local(f"{definition.score}-band", result.band, result.band_label)]
    else:
        resource["dataAbsentReason"] = codes.concept(
            codes.DATA_ABSENT_REASON, "unknown", "Unknown", text="Incomplete: not every component was recorded"
        )
    if row.level:
        resource["bodySite"] = {"text": f"Spinal level {row.level}"}
    if row.scan_id:
        resource["derivedFrom"] = [ref("ImagingStudy", row.scan_id)]
    if row.assessed_by_id:
        resource["performer"] = [{"display": row.assessed_by.get_full_name() or row.assessed_by.get_username()}]
    return resource


def escc(row: Scan, patient_id: int) -> dict[str, Any]:
    assert row.escc_grade is not None
    key = ESCC_KEYS[row.escc_grade]
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"escc-{row.pk}",
        "meta": meta(row.updated_at),
        "status": "final",
        "category": _category("imaging", "Imaging"),
        "code": codes.local("observation", "escc", "Epidural spinal cord compression (Bilsky) grade"),
        "subject": ref("Patient", patient_id),
        "valueCodeableConcept": codes.local("escc-grade", key, EsccGradeChoice(row.escc_grade).label),
        "derivedFrom": [ref("ImagingStudy", row.pk)],
    }
    if row.performed_at:
        resource["effectiveDateTime"] = local_datetime(row.performed_at)
    if row.escc_level:
        resource["bodySite"] = {"text": f"Spinal level {row.escc_level}"}
    return resource


def _case_observation(row: Case, obs_id: str, code: dict[str, Any], category: tuple[str, str]) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"{obs_id}-{row.pk}",
        "meta": meta(row.updated_at),
        "status": "final",
        "category": _category(*category),
        "code": code,
        "subject": ref("Patient", row.patient_id),
        "focus": [ref("Condition", f"metastases-{row.pk}")],
    }


def case_observations(row: Case) -> list[dict[str, Any]]:
    """Frankel (at presentation and after treatment), ECOG and Karnofsky recorded on a case."""
    found = []
    if row.frankel_grade:
        obs = _case_observation(row, "frankel", codes.local("observation", "frankel", "Frankel grade"), EXAM)
        obs["valueCodeableConcept"] = codes.local("frankel-grade", row.frankel_grade, _frankel(row.frankel_grade))
        found.append(obs)
    if row.frankel_after_treatment:
        code = codes.local("observation", "frankel-after-treatment", "Frankel grade after treatment")
        obs = _case_observation(row, "frankel-after", code, EXAM)
        grade = row.frankel_after_treatment
        obs["valueCodeableConcept"] = codes.local("frankel-grade", grade, _frankel(grade))
        if row.outcome_assessed_on:
            obs["effectiveDateTime"] = row.outcome_assessed_on.isoformat()
        found.append(obs)
    if row.ecog is not None:
        obs = _case_observation(row, "ecog", codes.concept(codes.LOINC, *codes.LOINC_ECOG), SURVEY)
        obs["valueInteger"] = row.ecog
        found.append(obs)
    if row.karnofsky is not None:
        obs = _case_observation(row, "karnofsky", codes.concept(codes.LOINC, *codes.LOINC_KARNOFSKY), SURVEY)
        obs["valueInteger"] = row.karnofsky
        found.append(obs)
    return found


EXAM = ("exam", "Exam")
SURVEY = ("survey", "Survey")


def _frankel(grade: str) -> str:
    return FrankelGrade(grade).label if grade in FrankelGrade.values else grade


__all__ = ["case_observations", "escc", "score"]
