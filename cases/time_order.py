"""Case.clean's time-order rules (HAZ-013): the database holds the same orders as CheckConstraints."""

import datetime as dt
from typing import Any

from django.utils import timezone


def time_order_errors(case: Any, errors: dict[str, str]) -> None:
    """Times that must keep their order on every path (HAZ-013); the database holds the same rules."""
    started, reduced = case.steroids_started_at, case.steroid_reduction_started_at
    if reduced and started and reduced < started:
        errors.setdefault("steroid_reduction_started_at", "The reduction cannot start before the first dose.")
    if case.treatment_plan_agreed_at and case.referred_at and case.treatment_plan_agreed_at < case.referred_at:
        errors.setdefault("treatment_plan_agreed_at", "The treatment plan cannot be agreed before the referral.")
    birth = case.patient.date_of_birth if case.patient_id else None
    suspected = case.suspected_diagnosis_at
    if suspected and birth and timezone.localtime(suspected).date() < birth:
        errors.setdefault("suspected_diagnosis_at", "The diagnosis cannot be suspected before the patient was born.")
    rt_started = case.radiotherapy_started_at
    if rt_started and (not case.decision_to_treat_at or rt_started < case.decision_to_treat_at):
        errors.setdefault("radiotherapy_started_at", "Radiotherapy cannot start before the decision to treat.")


# Times of the pathway that cannot be in the future (a few minutes of clock skew allowed by the caller).
PATHWAY_TIMES = (
    "treatment_plan_agreed_at",
    "decision_to_treat_at",
    "treatment_start_at",
    "steroids_started_at",
    "steroid_reduction_started_at",
    "steroids_stopped_at",
    "radiotherapy_started_at",
)


def future_time_errors(case: Any, errors: dict[str, str], *, latest: dt.datetime) -> None:
    for field in PATHWAY_TIMES:
        value = getattr(case, field)
        if value and value > latest:
            errors[field] = "This time cannot be in the future."
