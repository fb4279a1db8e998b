"""BAR^P01 from the PAS: procedures done (PR1 segments), recorded as the delivery of a treatment the
patient's latest MDT decision chose (live.delivery.delivery_record, source "feed").

PR1-3 is the procedure code, the hospital's own (its first component; the text and coding system after
it are not read), PR1-5 when it was done. `HL7_PROCEDURE_TREATMENTS` maps the local codes to the app's
treatments (mdt's Treatment keys): nothing is mapped until the service sets it, and no national code is
assumed. A procedure is recorded when its code is mapped, the treatment is one the latest current
decision chose and its date is one the record takes (on or after the decision, not in the future).
Anything else is not applied and the message is marked as needing a coordinator's review, the reason in
its outcome: a code not mapped, a treatment the decision did not choose, no decision, a date refused, or
a different entry the team made (the team's entry stands). Several procedures of one treatment keep the
earliest date (the first fraction); a repeat of a procedure already recorded changes nothing, and a
message control id is applied once (receive.py).
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import Patient
from integrations.hl7 import values
from integrations.hl7.errors import FeedError
from integrations.hl7.parse import Message, value
from integrations.models import FeedMessage
from live.delivery import delivery_record
from live.models import Delivery
from mdt.models import Decision


def treatment_for(code: str) -> str:
    """The app's treatment a local procedure code stands for ("" when not mapped)."""
    mapping = {key.strip().upper(): treatment for key, treatment in settings.HL7_PROCEDURE_TREATMENTS.items()}
    return mapping.get(code.strip().upper(), "")


def _procedures(message: Message) -> list[tuple[str, dt.date | None]]:
    found = []
    for number, pr1 in enumerate(message.all("PR1"), start=1):
        code = value(pr1, 3)
        if not code:
            raise FeedError(f"PR1 {number}: PR1-3 (procedure code) is empty.")
        done = values.time_of(value(pr1, 5), f"PR1-5 (procedure time) of PR1 {number}")
        found.append((code, timezone.localdate(done) if done else None))
    return found


def _latest_decision(patient: Patient) -> Decision | None:
    current = Decision.objects.filter(case__patient=patient).exclude(status=Decision.Status.SUPERSEDED)
    return current.order_by("-decided_at", "-id").first()


def _record(decision: Decision, treatment: str, on: dt.date, user: Any) -> str:
    """One treatment's delivery from the feed: (what was done, or "review: why not")."""
    existing = Delivery.objects.filter(decision=decision, treatment=treatment).first()
    if existing is not None and existing.delivered_on is not None and existing.delivered_on <= on:
        return f"{treatment} delivered {existing.delivered_on:%Y-%m-%d} already recorded: no change"
    if existing is not None and existing.source == Delivery.Source.TEAM:
        was = f"delivered {existing.delivered_on:%Y-%m-%d}" if existing.delivered_on else "not delivered"
        return f"review: {treatment} on {on:%Y-%m-%d}, but the team recorded it {was}: the team's entry stands"
    try:
        delivery_record(
            decision_id=decision.pk, treatment=treatment, user=user, delivered_on=on, source=Delivery.Source.FEED
        )
    except ValidationError as exc:
        return f"review: {treatment} on {on:%Y-%m-%d} not recorded: {' '.join(exc.messages)}"
    return f"{treatment} delivered {on:%Y-%m-%d} recorded against decision {decision.pk}"


def record_procedures(message: Message, row: FeedMessage, patient: Patient, user: Any) -> str:
    """Each procedure of the message against the patient's latest decision; sets `row.needs_review`."""
    decision = _latest_decision(patient)
    earliest: dict[str, dt.date] = {}
    notes = []
    for code, on in _procedures(message):
        treatment = treatment_for(code)
        if not treatment:
            notes.append(f"review: procedure code {code} is not mapped to a treatment (HL7_PROCEDURE_TREATMENTS)")
        elif on is None:
            notes.append(f"review: procedure code {code} has no date (PR1-5)")
        elif decision is None:
            notes.append(f"review: procedure code {code} ({treatment}), but the patient has no MDT decision")
        elif treatment not in decision.treatments:
            notes.append(f"review: procedure code {code} ({treatment}) is not a treatment decision {decision.pk} chose")
        else:
            earliest[treatment] = min(on, earliest.get(treatment, on))
    if decision is not None:
        notes += [_record(decision, treatment, on, user) for treatment, on in sorted(earliest.items())]
    row.needs_review = any(note.startswith("review:") for note in notes)
    return "; ".join(notes)
