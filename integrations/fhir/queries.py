"""What each FHIR resource type reads from the record: a search and a read per type.

Searches over the whole record (Patient, ImagingStudy, CarePlan, Encounter) are keyset pages
ordered by id (core.paginators.Keyset): one query a page, however deep. Condition and Observation
are gathered from several tables and paged as one keyset over them (fhir/gathered.py).
Every hit carries the patient and case ids its access record needs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from cases.models import Assessment, Case, Patient, Scan
from cases.validators import looks_like_nhs_number, normalise_nhs_number
from core.numbers import whole_number
from core.paginators import Keyset
from integrations.fhir import codes, gathered, mdt, observations, record
from integrations.fhir.hits import Hit, Page
from integrations.fhir.search import Search, SearchError, identifier, reference_id
from mdt.models import AgendaItem, Decision


@dataclass(frozen=True)
class ResourceType:
    name: str
    params: frozenset[str]
    search: Callable[[Search], Page]
    read: Callable[[str], list[Hit]]


def _keyset(queryset: Any, search: Search, build: Callable[[Any], Hit]) -> Page:
    window = Keyset(queryset, ["id"], search.after, search.count)
    return Page([build(row) for row in window], window.next_after)


def _pk(raw: str) -> int | None:
    return whole_number(raw)


def _patient_filter(search: Search, path: str) -> Q:
    raw = search.first("patient") or search.first("subject")
    return Q(**{path: reference_id(raw)}) if raw else Q()


# Patient -------------------------------------------------------------------------------------


def _patient_hit(row: Patient) -> Hit:
    return Hit(record.patient(row), row.pk)


def _patient_identifier(raw: str) -> Q:
    system, value = identifier(raw)
    if system == codes.NHS_NUMBER_SYSTEM or (system is None and looks_like_nhs_number(value)):
        return Q(nhs_number=normalise_nhs_number(value)) | (Q(mrn=value) if system is None else Q())
    if system in (None, codes.mrn_system()):
        return Q(mrn=value)
    raise SearchError(f"identifier system {system!r} is not known here: use {codes.NHS_NUMBER_SYSTEM} or the MRN's.")


def search_patients(search: Search) -> Page:
    queryset = Patient.objects.filter(search.updated_q("updated_at"))
    for raw in search.params.get("identifier", []):
        queryset = queryset.filter(_patient_identifier(raw))
    if raw_id := search.first("_id"):
        queryset = queryset.filter(pk=reference_id(raw_id))
    return _keyset(queryset, search, _patient_hit)


def read_patient(raw: str) -> list[Hit]:
    pk = _pk(raw)
    row = Patient.objects.filter(pk=pk).first() if pk else None
    return [_patient_hit(row)] if row else []


# Condition -----------------------------------------------------------------------------------


def read_condition(raw: str) -> list[Hit]:
    kind, _, rest = raw.rpartition("-")
    pk = _pk(rest)
    if kind == "primary" and pk and (patient := Patient.objects.filter(pk=pk).first()):
        return [Hit(record.primary_condition(patient), patient.pk)]
    if kind == "metastases" and pk and (case := Case.objects.filter(pk=pk).first()):
        return [Hit(record.metastases_condition(case), case.patient_id, case.pk)]
    return []


# ImagingStudy --------------------------------------------------------------------------------


def _scan_hit(row: Scan) -> Hit:
    return Hit(record.imaging_study(row, row.case.patient_id), row.case.patient_id, row.case_id)


def search_imaging(search: Search) -> Page:
    queryset = Scan.objects.select_related("case").filter(
        search.updated_q("updated_at"), _patient_filter(search, "case__patient_id")
    )
    for raw in search.params.get("identifier", []):
        system, value = identifier(raw)
        if system == codes.DICOM_UID:
            queryset = queryset.filter(study_instance_uid=value.removeprefix("urn:oid:"))
        elif system is None:
            queryset = queryset.filter(accession_number=value)
        else:
            raise SearchError(f"identifier system {system!r}: use {codes.DICOM_UID}|urn:oid:<uid> or the accession.")
    return _keyset(queryset, search, _scan_hit)


def read_imaging(raw: str) -> list[Hit]:
    pk = _pk(raw)
    row = Scan.objects.select_related("case").filter(pk=pk).first() if pk else None
    return [_scan_hit(row)] if row else []


# Observation ---------------------------------------------------------------------------------


def read_observation(raw: str) -> list[Hit]:
    prefix, _, rest = raw.rpartition("-")
    pk = _pk(rest)
    if not pk:
        return []
    if prefix == "score" and (row := Assessment.objects.select_related("case", "assessed_by").filter(pk=pk).first()):
        return [Hit(observations.score(row, row.case.patient_id), row.case.patient_id, row.case_id)]
    if prefix == "escc" and (scan := Scan.objects.select_related("case").filter(pk=pk).first()):
        if scan.escc_grade is not None:
            return [Hit(observations.escc(scan, scan.case.patient_id), scan.case.patient_id, scan.case_id)]
        return []
    case = Case.objects.filter(pk=pk).first()
    if case is None:
        return []
    wanted = f"{prefix}-{pk}"
    return [Hit(obs, case.patient_id, case.pk) for obs in observations.case_observations(case) if obs["id"] == wanted]


# CarePlan and Encounter ----------------------------------------------------------------------


def _decision_hit(row: Decision) -> Hit:
    return Hit(mdt.care_plan(row, row.case.patient_id), row.case.patient_id, row.case_id)


def search_care_plans(search: Search) -> Page:
    queryset = Decision.objects.select_related("case", "recorded_by").filter(
        search.updated_q("updated_at"), _patient_filter(search, "case__patient_id")
    )
    return _keyset(queryset, search, _decision_hit)


def read_care_plan(raw: str) -> list[Hit]:
    pk = _pk(raw)
    row = Decision.objects.select_related("case", "recorded_by").filter(pk=pk).first() if pk else None
    return [_decision_hit(row)] if row else []


def _item_hit(row: AgendaItem) -> Hit:
    return Hit(mdt.encounter(row, row.case.patient_id), row.case.patient_id, row.case_id)


def search_encounters(search: Search) -> Page:
    queryset = AgendaItem.objects.select_related("case", "meeting").filter(
        search.updated_q("updated_at"), _patient_filter(search, "case__patient_id")
    )
    for raw in search.params.get("identifier", []):  # the meeting (the Encounter's identifier)
        system, value = identifier(raw)
        meeting = _pk(value)
        if system not in (None, codes.meeting_system()) or meeting is None:
            raise SearchError(f"identifier={raw!r}: give the meeting as {codes.meeting_system()}|<meeting id>.")
        queryset = queryset.filter(meeting_id=meeting)
    return _keyset(queryset, search, _item_hit)


def read_encounter(raw: str) -> list[Hit]:
    pk = _pk(raw)
    row = AgendaItem.objects.select_related("case", "meeting").filter(pk=pk).first() if pk else None
    return [_item_hit(row)] if row else []


PATIENT_PARAMS = frozenset({"patient", "subject"})
RESOURCE_TYPES: dict[str, ResourceType] = {
    "Patient": ResourceType("Patient", frozenset({"identifier", "_id"}), search_patients, read_patient),
    "Condition": ResourceType("Condition", PATIENT_PARAMS, gathered.search_conditions, read_condition),
    "ImagingStudy": ResourceType("ImagingStudy", PATIENT_PARAMS | {"identifier"}, search_imaging, read_imaging),
    "Observation": ResourceType("Observation", PATIENT_PARAMS, gathered.search_observations, read_observation),
    "CarePlan": ResourceType("CarePlan", PATIENT_PARAMS, search_care_plans, read_care_plan),
    "Encounter": ResourceType("Encounter", PATIENT_PARAMS | {"identifier"}, search_encounters, read_encounter),
}
