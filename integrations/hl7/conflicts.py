"""Settling a conflict between the PAS feed and a person's correction (coordinators, in the workspace)."""

import datetime as dt
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import policy
from cases.services import patient_record_death
from core.history import save_as
from integrations.hl7.fields import as_text
from integrations.models import FeedConflict

# Conflicts between two patients' records, not a field's values: settled by what the coordinator does about the
# two (merging is a clinical decision, in the PAS), with no value to apply here.
DUPLICATE = "possible duplicate"  # the same family name and date of birth (integrations.hl7.handlers)
TWO_RECORDS = ("merge", DUPLICATE)


class ConflictError(Exception):
    pass


@transaction.atomic
def feed_conflict_resolve(*, conflict_id: int, apply_feed_value: bool, user: Any) -> FeedConflict:
    """Keep the record's value, or apply the feed's (through the model's validation and history)."""
    if not policy.can_resolve_feed_conflict(user):
        raise PermissionDenied("Only MDT coordinators settle conflicts with the PAS feed.")
    conflict = FeedConflict.objects.select_for_update().get(pk=conflict_id)
    if conflict.resolved_at:
        raise ConflictError("This conflict was already settled.")
    record = _record_as_raised(conflict) if apply_feed_value and conflict.field not in TWO_RECORDS else None
    if record is not None and (conflict.model, conflict.field) == ("cases.patient", "died_on"):
        _apply_death(conflict, user)
    elif record is not None:
        field = record._meta.get_field(conflict.field)
        try:
            setattr(record, conflict.field, field.to_python(conflict.feed_value or None) if conflict.feed_value
                    else field.get_default())  # fmt: skip
            record.full_clean()
        except ValidationError as exc:
            raise ConflictError("; ".join(exc.messages)) from exc
        if hasattr(record, "version"):
            record.version += 1
        save_as(user, record)
    conflict.resolved_at, conflict.resolved_by = timezone.now(), user
    conflict.resolution = "applied the feed's value" if apply_feed_value else "kept the record's value"
    conflict.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    return conflict


def _record_as_raised(conflict: FeedConflict) -> Any:
    """The record, locked, refused if its value changed since the conflict was raised: the coordinator chose
    between the two values the conflict shows, and the feed's must not overwrite a later correction unseen."""
    model = apps.get_model(conflict.model)
    record = model._default_manager.select_for_update().get(pk=conflict.object_id)
    now = as_text(getattr(record, conflict.field))
    if now != conflict.record_value:
        label = model._meta.get_field(conflict.field).verbose_name
        raise ConflictError(
            f"The record's {label} changed since this conflict was raised (from {conflict.record_value or '(blank)'} "
            f"to {now or '(blank)'}): the feed's value was not applied. Check the record, then keep its value or "
            "correct it there."
        )
    return record


def _apply_death(conflict: FeedConflict, user: Any) -> None:
    """The feed's date of death goes through the one death service (clocks end, reminders and follow-ups
    stop, history says from where); the feed's "alive" never undoes a recorded death."""
    try:
        day = dt.date.fromisoformat(conflict.feed_value)
    except ValueError as exc:
        raise ConflictError(
            "The PAS says the patient is alive: a death recorded in error is corrected on the patient's record."
        ) from exc
    try:
        patient_record_death(patient_id=conflict.object_id, date_of_death=day, user=user, source="workspace")
    except ValidationError as exc:
        raise ConflictError("; ".join(exc.messages)) from exc
