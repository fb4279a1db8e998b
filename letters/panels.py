"""The letters' part of the case page: the patient's letter for each decision; in the case's history,
the changes to the patient's communication needs and to the letters (the formats arranged are on the
letter's page)."""

from typing import Any

from django.http import HttpRequest

from accounts import policy
from cases.models import Case, CommunicationNeeds
from cases.timeline import register_source
from letters.models import PatientLetter
from mdt.models import Decision


def letters_panel(request: HttpRequest, case: Case) -> tuple[str, dict[str, Any]]:
    """One query: the case's current decisions with their letters."""
    decisions = list(
        Decision.objects.current().filter(case=case).select_related("patient_letter").order_by("decided_at", "id")
    )
    rows = []
    for decision in decisions:
        try:
            letter = decision.patient_letter
        except PatientLetter.DoesNotExist:
            letter = None
        rows.append((decision, letter))
    return ("letters/_case_letters.html", {"rows": rows, "can_write": policy.can_write_patient_letter(request.user)})


def register() -> None:
    from cases.panels import register_panel

    register_panel(letters_panel)
    register_source(
        lambda r: "Communication needs", lambda case: CommunicationNeeds.history.filter(patient_id=case.patient_id)
    )
    register_source(lambda r: "Patient's letter", lambda case: PatientLetter.history.filter(decision__case_id=case.pk))
