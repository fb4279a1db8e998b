"""Recording a patient's communication needs: the one write path (pages and tests call it); and
where the patient's letters go (`letter_address`), read by every letter."""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accounts import policy
from cases.models import CommunicationNeeds, Patient
from core.concurrency import NO_FORM, LoadedVersion, stale_edit
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


@dataclass(frozen=True)
class LetterAddress:
    """Where a patient's letter goes, and where that address came from."""

    NEEDS = "needs"
    PAS = "pas"
    SOURCES = {
        NEEDS: "the address for letters recorded with the patient's communication needs",
        PAS: "the address the PAS holds (from its feed)",
    }

    text: str
    source: str

    @property
    def source_label(self) -> str:
        return self.SOURCES[self.source]


def letter_address(patient: Patient) -> LetterAddress | None:
    """The communication needs' address when one is recorded there (a care home, a relative's),
    else the address the PAS holds; None when there is neither."""
    needs = needs_of(patient)
    if needs is not None and needs.address.strip():
        return LetterAddress(needs.address.strip(), LetterAddress.NEEDS)
    if patient.pas_address.strip():
        return LetterAddress(patient.pas_address.strip(), LetterAddress.PAS)
    return None


@transaction.atomic
def communication_needs_record(
    *, patient_id: int, user: Any, data: dict[str, Any], loaded_version: LoadedVersion = NO_FORM
) -> CommunicationNeeds:
    """Create or change the patient's needs; refuses a stale edit with who changed what meanwhile, and a
    page's post without the version it was opened at (None: a form opened before the needs existed too)."""
    if not policy.can_record_communication_needs(user):
        raise PermissionDenied("Only the MDT's coordinators and clinicians record communication needs.")
    patient = Patient.objects.select_for_update().get(pk=patient_id)
    needs = CommunicationNeeds.objects.select_for_update().filter(patient=patient).first()
    if needs is None:
        needs = CommunicationNeeds(patient=patient, recorded_by=user)
    else:
        lines = stale_edit(needs, loaded_version)
        if lines is not None:
            raise ValidationError(
                f"These needs were changed while you edited them: {'; '.join(lines or ['someone else saved them'])}. "
                "Check and save again."
            )
        needs.version += 1
    for field in FIELDS:
        if field in data:
            value = data[field]
            setattr(needs, field, value.strip() if isinstance(value, str) else bool(value))
    needs.recorded_by = user
    needs.full_clean(exclude=["patient", "recorded_by"])
    save_as(user, needs)
    return needs
