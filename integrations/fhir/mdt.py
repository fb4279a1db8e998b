"""CarePlan (an MDT decision) and Encounter (a case's discussion at an MDT meeting).

An Encounter is one patient at one meeting (an agenda item): FHIR's Encounter has one subject,
and a meeting discusses many patients; the meeting itself is the Encounter's identifier in the
app's mdt-meeting system, so a reader can group a meeting's encounters.
"""

from typing import Any

from django.utils import timezone

from integrations.fhir import codes
from integrations.fhir.record import local_datetime, meta, ref
from mdt.models import AgendaItem, Decision
from mdt.models.decisions import Intent, Treatment

CAREPLAN_STATUS = {
    Decision.Status.AWAITING_SIGNOFF: "active",
    Decision.Status.SIGNED: "active",
    Decision.Status.SUPERSEDED: "revoked",
}


def care_plan(row: Decision, patient_id: int) -> dict[str, Any]:
    treatments = dict(Treatment.choices)
    category = [
        codes.concept(codes.SNOMED, *codes.SNOMED_MDT_ASSESSMENT),
        codes.local("treatment-intent", row.intent, Intent(row.intent).label if row.intent in Intent.values else None),
    ]
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": str(row.pk),
        "meta": meta(row.updated_at),
        "status": CAREPLAN_STATUS.get(Decision.Status(row.status), "unknown"),
        "intent": "plan",
        "category": category,
        "title": "MDT decision" + (" (urgent, between meetings)" if row.urgent else ""),
        "description": row.rationale,
        "subject": ref("Patient", patient_id),
        "created": local_datetime(row.decided_at),
        "addresses": [ref("Condition", f"metastases-{row.case_id}")],
        "note": [{"text": row.get_status_display()}],
    }
    if row.agenda_item_id:
        resource["encounter"] = ref("Encounter", row.agenda_item_id)
    if row.amends_id:
        resource["replaces"] = [ref("CarePlan", row.amends_id)]
    if row.recorded_by_id:
        resource["author"] = {"display": row.recorded_by.get_full_name() or row.recorded_by.get_username()}
    activities = [
        {"detail": {"code": codes.local("mdt-treatment", key, treatments.get(key, key)), "status": "not-started"}}
        for key in row.treatments
    ]
    if row.no_treatment:
        activities.append(
            {"detail": {"code": codes.local("mdt-treatment", "no_active_treatment", "No active treatment"),
                        "status": "not-started"}}
        )  # fmt: skip
    if activities:
        resource["activity"] = activities
    return resource


def _encounter_status(row: AgendaItem) -> str:
    if row.status == AgendaItem.Status.DISCUSSED:
        return "finished"
    if row.status in (AgendaItem.Status.NOT_DISCUSSED, AgendaItem.Status.WITHDRAWN):
        return "cancelled"
    return "planned" if row.meeting.starts_at > timezone.now() else "in-progress"


def encounter(row: AgendaItem, patient_id: int) -> dict[str, Any]:
    meeting = row.meeting
    return {
        "resourceType": "Encounter",
        "id": str(row.pk),
        "meta": meta(row.updated_at),
        "identifier": [{"system": codes.meeting_system(), "value": str(meeting.pk)}],
        "status": _encounter_status(row),
        # No ActCode fits a case discussed in the patient's absence; AMB is the nearest (docs/integration.md).
        "class": codes.coding(codes.ACT_CODE, "AMB", "ambulatory"),
        "type": [codes.local("encounter-type", "mdt-discussion", "MDT discussion", text=meeting.title)],
        "subject": ref("Patient", patient_id),
        "period": {"start": local_datetime(meeting.starts_at), "end": local_datetime(meeting.ends_at)},
        "reasonReference": [ref("Condition", f"metastases-{row.case_id}")],
    }
