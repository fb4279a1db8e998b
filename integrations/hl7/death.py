"""A death from the PAS takes the same path as a death typed by a coordinator.

`cases.services.patient_record_death` is that path (clocks end, reminders stop, history written);
this adapter calls it with source "pas". Until that service exists in this checkout, the death
is written the way the workspace writes one today (model validation, version, history user).
"""

import datetime as dt
from typing import Any

from cases import services as case_services
from cases.models import Patient
from core.history import save_as


def record_death(*, patient: Patient, date_of_death: dt.date, user: Any) -> None:
    service = getattr(case_services, "patient_record_death", None)
    if service is not None:
        service(patient_id=patient.pk, date_of_death=date_of_death, user=user, source="pas")
        return
    patient.died_on = date_of_death
    patient.full_clean()
    patient.version += 1
    save_as(user, patient)


__all__ = ["record_death"]
