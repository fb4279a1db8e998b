"""Patient, Condition and ImagingStudy from the clinical record (cases), as FHIR R4 dicts.

Each builder takes rows already loaded (the selectors in fhir/queries.py load what they need in
a fixed number of queries) and returns an unvalidated dict; views validate before sending.
"""

import datetime as dt
from typing import Any

from django.utils import timezone

from cases.choices import Presentation, PrimarySite
from cases.models import Case, Patient, Scan
from integrations.fhir import codes

GENDER = {"female": "female", "male": "male", "other": "other", "not_known": "unknown"}


def instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def local_datetime(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat()


def ref(resource_type: str, resource_id: object, display: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        found["display"] = display
    return found


def meta(updated: dt.datetime) -> dict[str, Any]:
    return {"lastUpdated": instant(updated)}


def patient(row: Patient) -> dict[str, Any]:
    identifiers: list[dict[str, Any]] = []
    if row.nhs_number:
        identifiers.append({"system": codes.NHS_NUMBER_SYSTEM, "value": row.nhs_number})
    identifiers.append(
        {
            "use": "usual",
            "type": codes.concept(codes.IDENTIFIER_TYPE, "MR", "Medical record number"),
            "system": codes.mrn_system(),
            "value": row.mrn,
        }
    )
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(row.pk),
        "meta": meta(row.updated_at),
        "identifier": identifiers,
        "name": [{"use": "official", "family": row.family_name, "given": [row.given_name]}],
        "gender": GENDER.get(row.sex, "unknown"),
        "birthDate": row.date_of_birth.isoformat(),
    }
    if row.died_on:
        resource["deceasedDateTime"] = row.died_on.isoformat()
    gp = ", ".join(part for part in (row.gp_name, row.gp_practice) if part)
    if gp:
        # The GP as text only: the PAS feed gives no ODS code the app keeps (docs/integration.md).
        resource["generalPractitioner"] = [{"display": gp}]
    return resource


def primary_condition(row: Patient) -> dict[str, Any]:
    """The primary cancer: one per patient, id primary-<patient id>."""
    label = PrimarySite(row.primary_site).label if row.primary_site in PrimarySite.values else row.primary_site
    text = f"{label}: {row.primary_site_detail}" if row.primary_site_detail else label
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": f"primary-{row.pk}",
        "meta": meta(row.updated_at),
        "clinicalStatus": codes.concept(codes.CONDITION_CLINICAL, "active", "Active"),
        "category": [codes.concept(codes.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")],
        "code": codes.local("primary-site", row.primary_site, label, text=f"Primary cancer: {text}"),
        "subject": ref("Patient", row.pk),
    }
    if row.primary_site == PrimarySite.UNKNOWN_PRIMARY:
        resource["verificationStatus"] = codes.concept(codes.CONDITION_VERIFICATION, "provisional", "Provisional")
    return resource


def metastases_condition(row: Case) -> dict[str, Any]:
    """The spinal metastases (or suspected MSCC) of one referral episode: id metastases-<case id>."""
    suspected = row.presentation in (Presentation.SUSPECTED_MSCC, Presentation.SUSPECTED_METASTASES)
    status = ("provisional", "Provisional") if suspected else ("confirmed", "Confirmed")
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": f"metastases-{row.pk}",
        "meta": meta(row.updated_at),
        "clinicalStatus": codes.concept(codes.CONDITION_CLINICAL, "active", "Active"),
        "verificationStatus": codes.concept(codes.CONDITION_VERIFICATION, *status),
        "category": [codes.concept(codes.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")],
        "code": codes.local(
            "presentation", row.presentation, Presentation(row.presentation).label, text="Spinal metastases"
        ),
        "subject": ref("Patient", row.patient_id),
        "recordedDate": local_datetime(row.referred_at),
    }
    if row.spinal_levels:
        resource["bodySite"] = [{"text": f"Spinal levels {', '.join(row.spinal_levels)}"}]
    if row.suspected_diagnosis_at:
        resource["onsetDateTime"] = local_datetime(row.suspected_diagnosis_at)
    return resource


def imaging_study(row: Scan, patient_id: int) -> dict[str, Any]:
    identifiers: list[dict[str, Any]] = []
    if row.study_instance_uid:
        identifiers.append({"system": codes.DICOM_UID, "value": f"urn:oid:{row.study_instance_uid}"})
    if row.accession_number:
        identifiers.append(
            {"type": codes.concept(codes.IDENTIFIER_TYPE, "ACSN", "Accession ID"), "value": row.accession_number}
        )
    modality = codes.DICOM_MODALITY.get(row.modality)
    resource: dict[str, Any] = {
        "resourceType": "ImagingStudy",
        "id": str(row.pk),
        "meta": meta(row.updated_at),
        "status": "available" if row.performed_at else "registered",
        "subject": ref("Patient", patient_id),
        "description": row.get_modality_display(),
        "reasonReference": [ref("Condition", f"metastases-{row.case_id}")],
    }
    if identifiers:
        resource["identifier"] = identifiers
    if modality:
        resource["modality"] = [codes.coding(codes.DICOM, *modality)]
    if row.performed_at:
        resource["started"] = local_datetime(row.performed_at)
    if row.report:
        resource["note"] = [{"text": row.report}]
    return resource
