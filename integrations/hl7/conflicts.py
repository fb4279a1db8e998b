"""Settling a conflict between the PAS feed and a person's correction (coordinators, in the workspace)."""

from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import policy
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
    if apply_feed_value and conflict.field != "merge":
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
