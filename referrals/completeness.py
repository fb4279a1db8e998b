"""What a referral says and what it leaves out: the form's steps, the items the MDT needs, and the
few a referral cannot be submitted without.

`gaps()` names what the MDT will lack ("No time of the first dexamethasone dose"), in the order of
the form, each with the step where it is filled in. The referrer may submit anyway: the gaps are
recorded on the referral (`gaps_at_submission`) and counted in the reports. `blockers()` are the
items without which nobody could act on the referral at all (who the patient is, who to call).
"""

from dataclasses import dataclass

from referrals.choices import YesNoUnknown
from referrals.models import Referral
from referrals.models.referrals import label_of

STEPS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "referrer",
        "Referrer",
        ("referrer_name", "referrer_role", "referrer_phone", "referrer_email", "consultant_name"),
    ),
    ("patient", "Patient", ("nhs_number", "local_mrn", "given_name", "family_name", "date_of_birth", "sex")),
    (
        "cancer",
        "Cancer and treatment",
        (
            "primary_site",
            "histology",
            "known_metastases",
            "systemic_therapy",
            "previous_spinal_rt",
            "previous_rt_levels",
            "previous_rt_dose",
        ),
    ),
    (
        "neurology",
        "Symptoms, neurology and steroids",
        (
            "red_flags",
            "neurology_detail",
            "frankel_grade",
            "ambulatory_status",
            "ecog",
            "symptoms_started_on",
            "dexamethasone_given",
            "dexamethasone_dose_mg",
            "dexamethasone_dose_reason",
            "dexamethasone_first_dose_at",
        ),
    ),
    (
        "imaging",
        "Imaging, bloods and question",
        (
            "mri_done",
            "mri_modality",
            "mri_where",
            "mri_at",
            "images_sent",
            "accession_number",
            "mri_report",
            "bloods",
            "question",
        ),
    ),
]
STEP_KEYS = [key for key, _, _ in STEPS]
STEP_OF_FIELD = {name: key for key, _, fields in STEPS for name in fields}


@dataclass(frozen=True)
class Gap:
    key: str  # stable, counted in the reports
    message: str
    step: str


GAP_LABELS: dict[str, str] = {
    "nhs_number": "No NHS number",
    "consultant": "No responsible consultant",
    "primary": "No primary cancer",
    "histology": "No histology",
    "previous_rt": "No answer on previous radiotherapy to the spine",
    "previous_rt_level": "No level for the previous radiotherapy",
    "previous_rt_dose": "No dose for the previous radiotherapy",
    "symptoms": "No red-flag symptoms or neurology described",
    "walking": "Walking not recorded",
    "performance_status": "No performance status",
    "steroids": "No answer on dexamethasone",
    "steroid_time": "No time of the first dexamethasone dose",
    "steroid_dose": "No dexamethasone dose",
    "mri": "Not said whether an MRI was done",
    "mri_time": "No date of the MRI",
    "images_sent": "Not said whether the images were sent by image exchange",
    "accession": "No accession number for the images",
    "question": "No question for the service",
}


def gaps(referral: Referral) -> list[Gap]:
    r = referral
    missing: list[tuple[str, str]] = []

    def need(condition: bool, key: str, step: str) -> None:
        if condition:
            missing.append((key, step))

    need(not r.consultant_name, "consultant", "referrer")
    need(not r.nhs_number, "nhs_number", "patient")
    need(not r.primary_site, "primary", "cancer")
    need(not r.histology, "histology", "cancer")
    need(r.previous_spinal_rt in ("", YesNoUnknown.UNKNOWN), "previous_rt", "cancer")
    need(r.previous_spinal_rt == YesNoUnknown.YES and not r.previous_rt_levels, "previous_rt_level", "cancer")
    need(r.previous_spinal_rt == YesNoUnknown.YES and not r.previous_rt_dose, "previous_rt_dose", "cancer")
    need(not r.red_flags and not r.neurology_detail, "symptoms", "neurology")
    need(not r.ambulatory_status, "walking", "neurology")
    need(r.ecog is None, "performance_status", "neurology")
    need(r.dexamethasone_given in ("", YesNoUnknown.UNKNOWN), "steroids", "neurology")
    given = r.dexamethasone_given == YesNoUnknown.YES
    need(given and not r.dexamethasone_first_dose_at, "steroid_time", "neurology")
    need(given and r.dexamethasone_dose_mg is None, "steroid_dose", "neurology")
    need(r.mri_done in ("", YesNoUnknown.UNKNOWN), "mri", "imaging")
    mri = r.mri_done == YesNoUnknown.YES
    need(mri and not r.mri_at, "mri_time", "imaging")
    need(mri and r.images_sent in ("", YesNoUnknown.UNKNOWN), "images_sent", "imaging")
    need(mri and r.images_sent == YesNoUnknown.YES and not r.accession_number, "accession", "imaging")
    need(not r.question.strip(), "question", "imaging")
    return [Gap(key, GAP_LABELS[key], step) for key, step in missing]


BLOCKER_FIELDS = ("referrer_name", "referrer_phone", "given_name", "family_name", "date_of_birth")


def blockers(referral: Referral) -> dict[str, str]:
    """Fields a referral cannot be submitted without, with what to do."""
    found = {}
    for name in BLOCKER_FIELDS:
        if not getattr(referral, name):
            label = label_of(name)
            found[name] = f"Give the {label}: the service cannot act on a referral without it."
    return found
