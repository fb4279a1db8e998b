"""Code systems and identifier systems of the FHIR API (docs/integration.md, "Codes").

International codes are used only where the code is known to exist for exactly this concept:
- NHS number: https://fhir.nhs.uk/Id/nhs-number (UK Core; docs/clinical-reference.md §10);
- LOINC 89247-1 ECOG Performance Status score, 89243-0 Karnofsky Performance Status score
  (both as used by the HL7 mCODE implementation guide);
- SNOMED CT 312384001 Multidisciplinary assessment (procedure), the CarePlan category (as
  used by published MDT profiles; not checked in a terminology browser, docs/integration.md);
- HL7 terminology (condition-clinical, condition-ver-status, observation-category, v2-0203,
  v3-ActCode) and DICOM modality codes for the structural codes.
Everything else (the score components, bands, primary sites, treatments) has no code we are
sure of, so it is coded in the app's own code systems under FHIR_SYSTEM_BASE/CodeSystem/.
"""

from typing import Any

from django.conf import settings

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
DICOM = "http://dicom.nema.org/resources/ontology/DCM"
DICOM_UID = "urn:dicom:uid"

LOINC_ECOG = ("89247-1", "ECOG Performance Status score")
LOINC_KARNOFSKY = ("89243-0", "Karnofsky Performance Status score")
SNOMED_MDT_ASSESSMENT = ("312384001", "Multidisciplinary assessment")

# The app's modalities as DICOM modality codes (PS3.16 CID 29).
DICOM_MODALITY = {
    "mri_whole_spine": ("MR", "Magnetic Resonance"),
    "mri_targeted": ("MR", "Magnetic Resonance"),
    "ct": ("CT", "Computed Tomography"),
    "pet_ct": ("PT", "Positron emission tomography"),
    "bone_scan": ("NM", "Nuclear Medicine"),
    "xray": ("DX", "Digital Radiography"),
}


def base() -> str:
    return str(settings.FHIR_SYSTEM_BASE)


def local_system(name: str) -> str:
    """The URL of one of the app's own code systems, e.g. .../CodeSystem/sins-component."""
    return f"{base()}/CodeSystem/{name}"


def mrn_system() -> str:
    return str(settings.FHIR_MRN_SYSTEM)


def meeting_system() -> str:
    return f"{base()}/Id/mdt-meeting"


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(system: str, code: str, display: str | None = None, text: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"coding": [coding(system, code, display)]}
    if text or display:
        found["text"] = text or display
    return found


def local(name: str, code: str, display: str | None = None, text: str | None = None) -> dict[str, Any]:
    return concept(local_system(name), code, display, text)
