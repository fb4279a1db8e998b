"""ORU^R01 from the radiology system: the report filed against the scan its accession names.

The scan is found by accession number (OBR-3, else OBR-18) and must belong to the patient the
message names (PID-3 MRN): a report never lands on another patient's scan. Only final (F) or
corrected (C) results are filed (OBR-25); a report a person typed or changed since the last
feed value is not overwritten (a conflict is flagged instead).
"""

from typing import Any

from cases.models import Patient, Scan
from cases.services import case_follow_scan
from core.history import save_as
from integrations.hl7 import fields, values
from integrations.hl7.errors import FeedError
from integrations.hl7.parse import Message, value
from integrations.models import FeedMessage

FILED_STATUSES = {"F", "C"}


def _report_text(message: Message) -> str:
    lines = []
    for obx in message.all("OBX"):
        if value(obx, 2) in ("TX", "FT", "ST"):
            lines += [rep[0] for rep in values.repetitions(obx, 5) if rep and rep[0]]
    return "\n".join(lines).strip()


def file_report(message: Message, row: FeedMessage, user: Any) -> tuple[Patient, str]:
    obr = message.one("OBR")
    accession = value(obr, 3) or value(obr, 18)
    if not accession:
        raise FeedError("OBR-3 (filler order number, the accession number) is empty.")
    scan = Scan.objects.select_for_update().select_related("case__patient").filter(accession_number=accession).first()
    if scan is None:
        raise FeedError(f"No scan has accession number {accession}.")
    patient = scan.case.patient
    mrn, nhs = values.identifiers(message.one("PID"))
    same_patient = mrn == patient.mrn if mrn else bool(nhs) and nhs == patient.nhs_number
    if not same_patient:
        raise FeedError(f"Accession {accession} belongs to another patient than MRN {mrn or '(none)'}: not filed.")
    status = value(obr, 25)
    if status not in FILED_STATUSES:
        return patient, f"result status {status or '(none)'} for accession {accession}: only final reports are filed"
    text = _report_text(message)
    if not text:
        raise FeedError("The result has no report text (OBX-5 of type TX, FT or ST).")
    reported_at = values.time_of(value(obr, 22), "OBR-22") or values.time_of(message.sent_at, "MSH-7")
    incoming: dict[str, Any] = {"report": text, "reported_at": reported_at}
    if scan.performed_at is None:
        incoming["performed_at"] = values.time_of(value(obr, 7), "OBR-7 (observation time)")
    reported_before = scan.reported_at is not None
    changes = fields.apply_values(record=scan, patient_id=patient.pk, values=incoming, message=row)
    if changes.applied:
        scan.full_clean()
        scan.version += 1  # a scan or case form opened before the report must not erase it
        save_as(user, scan)
        # The report moves the case on (awaiting MDT), as a report typed in the workspace does.
        case_follow_scan(scan=scan, created=False, reported_before=reported_before, user=user)
    outcome = f"report for accession {accession}: " + (f"filed ({', '.join(changes.applied)})" if changes.applied
                                                        else "no change")  # fmt: skip
    if changes.conflicts:
        outcome += f"; not applied, changed in the record since: {', '.join(changes.conflicts)}"
    return patient, outcome
