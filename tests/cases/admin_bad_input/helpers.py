"""The admin forms' POST data, as the coordinators' workspace sends it, and reading their errors."""

import datetime as dt

from django.utils import timezone

from cases.choices import CaseStatus, Presentation
from cases.models import Patient


def typed_date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")  # as the en-GB admin shows and reads dates


def typed_datetime(prefix: str, value: dt.datetime | None) -> dict[str, str]:
    """The two boxes (date, time) of an admin date-time field, in the service's local time."""
    if value is None:
        return {f"{prefix}_0": "", f"{prefix}_1": ""}
    local = timezone.localtime(value)
    return {f"{prefix}_0": typed_date(local.date()), f"{prefix}_1": local.strftime("%H:%M:%S")}


def management_form(prefix: str) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def patient_form(**overrides) -> dict[str, str]:
    return {
        "mrn": "RX100200",
        "nhs_number": "",
        "given_name": "Ada",
        "family_name": "Byron",
        "date_of_birth": "17/05/1950",
        "sex": "female",
        "primary_site": "breast",
        "primary_site_detail": "",
        "died_on": "",
        "gp_name": "",
        "gp_practice": "",
        "gp_address": "",
        **management_form("cases"),
        **overrides,
    }


def case_form(patient: Patient, **overrides) -> dict:
    return {
        "patient": str(patient.pk),
        **typed_datetime("referred_at", timezone.now() - dt.timedelta(hours=6)),
        "referrer": "Dr Okafor, acute oncology",
        "status": CaseStatus.REFERRED,
        "responsible_clinician": "",
        "presentation": Presentation.SUSPECTED_MSCC,
        "red_flags": ["limb_weakness", "nocturnal_pain"],
        **typed_datetime("suspected_diagnosis_at", None),
        "frankel_grade": "",
        "asia_grade": "",
        "ambulatory_status": "",
        "ecog": "",
        "karnofsky": "",
        "spinal_levels": "",
        "mdt_question": "",
        "previous_spinal_rt": "unknown",  # the select's default, as a browser posts it
        "previous_rt_detail": "",
        **management_form("scans"),
        **overrides,
    }


def form_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, "the form should be shown again with its errors"
    return response.context["adminform"].form.errors
