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
from integrations.models import FeedConflict


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
    if apply_feed_value and (conflict.model, conflict.field) == ("cases.patient", "died_on"):
        _apply_death(conflict, user)
    elif apply_feed_value and conflict.field != "merge":
        model = apps.get_model(conflict.model)
        record = model._default_manager.select_for_update().get(pk=conflict.object_id)
        field = model._meta.get_field(conflict.field)
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
