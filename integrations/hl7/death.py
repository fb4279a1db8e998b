"""A death from the PAS takes the same path as a death typed by a coordinator.

`cases.services.patient_record_death` is that path (clocks end, reminders stop, the agenda shows
the patient to withdraw, history written); this adapter calls it with source "pas", which needs
no person's permission because the feed is authorised by its connection.
"""

import datetime as dt
from typing import Any

from cases.models import Patient
from cases.services import patient_record_death


def record_death(*, patient: Patient, date_of_death: dt.date, user: Any) -> None:
    patient_record_death(patient_id=patient.pk, date_of_death=date_of_death, user=user, source="pas")
    patient.refresh_from_db(fields=["died_on", "version", "updated_at"])


__all__ = ["record_death"]
