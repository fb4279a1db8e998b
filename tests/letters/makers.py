"""Test data for the patients' letters: a decision at a meeting, signed through the real service."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from cases.communication import communication_needs_record
from core.concurrency import NO_FORM, LoadedVersion
from letters import services
from letters.models import PatientLetter
from mdt.models import AgendaItem, Decision, Member, SignOff
from mdt.services.decisions import signoff_respond
from tests.factories import CaseFactory, PatientFactory, coordinator_user, listed_item, meeting, team_user

ADDRESS = "12 Heol y Felin\nCardiff\nCF14 1AA"


def oncologist(username: str = "olwen") -> Any:
    user = team_user(username, Member.Role.ONCOLOGIST)
    user.first_name, user.last_name = "Olwen", "Pryce"
    user.save()
    return user


def needs(patient: Any, user: Any | None = None, loaded_version: LoadedVersion = NO_FORM, **fields: Any) -> Any:
    """The patient's communication needs, recorded through the service (an address by default)."""
    data = {"address": ADDRESS, **fields}
    if user is None:
        user = User.objects.filter(username="needs-coord").first() or coordinator_user("needs-coord")
    return communication_needs_record(patient_id=patient.pk, user=user, data=data, loaded_version=loaded_version)


def decision_at_meeting(
    signer: Any, treatments: list[str] | None = None, *, signed: bool = True, case: Any = None, **patient: Any
) -> Decision:
    """A decision of last week's meeting naming `signer`; signed through mdt's sign-off service."""
    held = meeting(timezone.now() - dt.timedelta(days=3))
    case = case or CaseFactory(
        patient=PatientFactory(**({"gp_name": "Dr A. Pritchard", "gp_practice": "Canton Surgery"} | patient)),
        referrer="Dr B. Morgan, Riverside General Hospital",
    )
    item = listed_item(held, case, status=AgendaItem.Status.DISCUSSED)
    decision = Decision.objects.create(
        case=case,
        agenda_item=item,
        treatments=["cebrt", "steroids"] if treatments is None else treatments,
        intent="palliative",
        rationale="Radiosensitive primary, stable spine.",
        recorded_by=signer,
        decided_at=held.starts_at + dt.timedelta(minutes=30),
    )
    SignOff.objects.create(decision=decision, member=signer.member)
    if signed:
        signoff_respond(decision_id=decision.pk, user=signer, agree=True)
        decision.refresh_from_db()
    return decision


def letter_for(decision: Decision, user: Any) -> PatientLetter:
    return services.letter_draft(decision_id=decision.pk, user=user)
