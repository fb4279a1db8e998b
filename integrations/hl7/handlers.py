"""What each message type does to the record. Each handler runs inside the receiving transaction,
with the FeedMessage row already written, and returns (patient, outcome text); FeedError means
AE (the message was understood but cannot be applied); ValidationError from the model, too."""

from collections.abc import Callable
from typing import Any

from django.conf import settings

from cases.duplicates import describe, possible_duplicates
from cases.models import Patient
from core.history import save_as
from integrations.hl7 import death, fields, procedures, reports, values
from integrations.hl7.conflicts import DUPLICATE
from integrations.hl7.errors import FeedError
from integrations.hl7.parse import Message, value
from integrations.models import FeedConflict, FeedMessage
from integrations.services import system_user


def feed_user() -> Any:
    return system_user(settings.HL7_FEED_USERNAME)


def _patient(pid: Any) -> Patient:
    mrn, nhs = values.identifiers(pid)
    found = Patient.objects.select_for_update().filter(mrn=mrn).first() if mrn else None
    if found is None and nhs:
        found = Patient.objects.select_for_update().filter(nhs_number=nhs).first()
    if found is None:
        raise FeedError(f"Unknown patient: MRN {mrn or '(none)'} is not in the MDT record.")
    return found


def _save(patient: Patient, user: Any) -> None:
    patient.full_clean()
    patient.version += 1  # an edit form open since now gets the stale-edit message
    save_as(user, patient)


def demographics(message: Message, row: FeedMessage) -> tuple[Patient, str]:
    """A01, A04, A08, A28, A31 (and A03): demographics and GP, then any death they carry."""
    pid, pd1 = message.one("PID"), message.one("PD1")
    patient = _patient(pid)
    user = feed_user()
    changes = fields.apply_values(
        record=patient, patient_id=patient.pk, values=values.demographics(pid, pd1), message=row
    )
    if _address(patient, values.address(pid), row):
        changes.applied.append("address")
    if changes.applied:
        _save(patient, user)
    parts = [f"updated {', '.join(changes.applied)}" if changes.applied else "no change"]
    parts += _duplicates(patient, row, changes.applied)
    if changes.conflicts:
        parts.append(f"not applied, corrected in the record since the last feed value: {', '.join(changes.conflicts)}")
    parts += _death(message, patient, row, user)
    return patient, "; ".join(parts)


def _duplicates(patient: Patient, row: FeedMessage, applied: list[str]) -> list[str]:
    """A family name or date of birth just changed to another patient's (HAZ-020, cases.duplicates): the
    message is applied, and each possible duplicate flagged for a coordinator (who merges in the PAS, or
    keeps the two as different people)."""
    if "family_name" not in applied and "date_of_birth" not in applied:
        return []
    found = possible_duplicates(patient)
    for other in found:
        _conflict(patient, row, DUPLICATE, describe(other), describe(patient))
    return [f"same family name and date of birth as MRN {other.mrn}: flagged for a coordinator" for other in found]


def _address(patient: Patient, address: str, row: FeedMessage) -> bool:
    """The PAS's address (PID-11) replaces the one it sent before: nobody edits it in the record, so
    there is no correction to protect. An empty PID-11 means "no change"."""
    if not address or address == patient.pas_address:
        return False
    patient.pas_address, patient.pas_address_received_at = address, row.received_at
    return True


def _death(message: Message, patient: Patient, row: FeedMessage, user: Any) -> list[str]:
    died, on = values.death(message.one("PID"))
    disposition = values.discharge_disposition_died(message.one("PV1")) if message.trigger == "A03" else ""
    if disposition and died is False:
        raise FeedError("PID-30 says the patient is alive but PV1-36 (discharge disposition) says they died.")
    where = ""
    if disposition and died is None and on is None:  # PID-29/30 say nothing: the discharge says it
        died = True
        on, where = values.discharge_death(message.one("PV1"), message.one("EVN"))
    if died is None and on is None:
        return []
    if died is False:
        if patient.died_on:
            _conflict(patient, row, "died_on", patient.died_on.isoformat(), "alive (PID-30 N)")
            return ["the PAS says alive but the record has a death: flagged for a coordinator"]
        return []
    if on is None:
        raise FeedError("PID-30 says the patient died but PID-29 (date of death) is empty.")
    # Which field the date came from, in the audit: a discharge's date is the PAS's, not a registered death's.
    said = f" (PV1-36 discharge disposition {disposition}: died; the date from {where})" if where else ""
    if patient.died_on == on:
        return [f"death already recorded{said}"] if said else []
    if patient.died_on:
        _conflict(patient, row, "died_on", patient.died_on.isoformat(), on.isoformat())
        return [f"a different date of death is already recorded: flagged for a coordinator{said}"]
    death.record_death(patient=patient, date_of_death=on, user=user)
    return [f"death recorded{said}"]


def _conflict(patient: Patient, row: FeedMessage, field: str, record_value: str, feed_value: str) -> None:
    FeedConflict.objects.create(
        model="cases.patient", object_id=patient.pk, patient=patient, field=field,
        record_value=record_value, feed_value=feed_value, message=row,
    )  # fmt: skip


def merge(message: Message, row: FeedMessage) -> tuple[Patient, str]:
    """A40: the patient in MRG was merged into the one in PID (the PAS keeps the PID number)."""
    surviving_mrn, _ = values.identifiers(message.one("PID"))
    prior = value(message.one("MRG"), 1)
    if not surviving_mrn or not prior:
        raise FeedError("A40 needs the surviving MRN in PID-3 and the merged MRN in MRG-1.")
    surviving = Patient.objects.select_for_update().filter(mrn=surviving_mrn).first()
    merged = Patient.objects.select_for_update().filter(mrn=prior).first()
    if merged is None and surviving is None:
        raise FeedError(f"Unknown patient: neither MRN {surviving_mrn} nor MRN {prior} is in the MDT record.")
    if merged is None:
        assert surviving is not None
        return surviving, f"MRN {prior} is not in the MDT record: nothing to merge"
    if surviving is None:
        merged.mrn = surviving_mrn
        _save(merged, feed_user())
        return merged, f"hospital number changed from {prior} to {surviving_mrn} (PAS merge)"
    _conflict(surviving, row, "merge", prior, surviving_mrn)
    return surviving, f"both MRN {prior} and {surviving_mrn} are in the MDT record: merge flagged for a coordinator"


def result(message: Message, row: FeedMessage) -> tuple[Patient, str]:
    """ORU^R01: file the radiology report against the scan its accession number names."""
    return reports.file_report(message, row, feed_user())


def procedure(message: Message, row: FeedMessage) -> tuple[Patient, str]:
    """BAR^P01: procedures done, recorded as the delivery of the latest decision's treatments."""
    patient = _patient(message.one("PID"))
    return patient, procedures.record_procedures(message, row, patient, feed_user())


HANDLERS: dict[str, Callable[[Message, FeedMessage], tuple[Patient, str]]] = {
    **{f"ADT^{trigger}": demographics for trigger in ("A01", "A03", "A04", "A08", "A28", "A31")},
    "ADT^A40": merge,
    "ORU^R01": result,
    "BAR^P01": procedure,
}

__all__ = ["HANDLERS", "FeedError"]
