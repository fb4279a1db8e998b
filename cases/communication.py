"""Recording a patient's communication needs: the one write path (pages and tests call it)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import policy
from cases.models import CommunicationNeeds, Patient
from core.concurrency import changes_since
from core.history import save_as

FIELDS = (
    "large_print",
    "screen_reader",
    "easy_read",
    "braille",
    "audio",
    "interpreter",
    "language",
    "copy_to_carer",
    "carer_name",
    "carer_address",
    "address",
    "notes",
)


def needs_of(patient: Patient) -> CommunicationNeeds | None:
    """The patient's record, or None when nobody has recorded one (no query when already loaded)."""
    try:
        return patient.communication_needs
    except CommunicationNeeds.DoesNotExist:
        return None


@transaction.atomic
def communication_needs_record(
    *, patient_id: int, user: Any, data: dict[str, Any], loaded_version: int | None = None
) -> CommunicationNeeds:
    """Create or change the patient's needs; refuses a stale edit with who changed what meanwhile."""
    if not policy.can_record_communication_needs(user):
        raise PermissionDenied("Only the MDT's coordinators and clinicians record communication needs.")
    patient = Patient.objects.select_for_update().get(pk=patient_id)
    needs = CommunicationNeeds.objects.select_for_update().filter(patient=patient).first()
    if needs is None:
        needs = CommunicationNeeds(patient=patient, recorded_by=user)
    elif loaded_version is not None and loaded_version != needs.version:
        lines = changes_since(needs, loaded_version) or ["someone else saved them"]
        raise ValidationError(
            f"These needs were changed while you edited them: {'; '.join(lines)}. Check and save again."
        )
    else:
        needs.version += 1
    for field in FIELDS:
        if field in data:
            value = data[field]
            setattr(needs, field, value.strip() if isinstance(value, str) else bool(value))
    needs.recorded_by = user
    needs.full_clean(exclude=["patient", "recorded_by"])
    save_as(user, needs)
    return needs
