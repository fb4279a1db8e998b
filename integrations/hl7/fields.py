"""Applying the feed's values to a record without overwriting a person's correction.

For each field the feed sends, the last value it sent is kept (FeedFieldValue). When the
record still holds that value (or the field is empty, or already equal), nobody has corrected
it: the new value is applied. When the record holds something else, a person corrected it
since: the record keeps its value and a FeedConflict is opened for a coordinator. Either way
the new feed value becomes the last one sent.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from integrations.models import FeedConflict, FeedFieldValue, FeedMessage


@dataclass
class Changes:
    applied: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def as_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def apply_values(*, record: models.Model, patient_id: int, values: dict[str, Any], message: FeedMessage) -> Changes:
    """Set each of `values` on `record` (not saved) unless a person corrected it; record conflicts."""
    label = record._meta.label_lower
    last = {
        row.field: row
        for row in FeedFieldValue.objects.filter(model=label, object_id=record.pk, field__in=list(values))
    }
    changes = Changes()
    sent: list[FeedFieldValue] = []
    for name, new in values.items():
        current, incoming = as_text(getattr(record, name)), as_text(new)
        previous = last.get(name)
        untouched = current == "" or current == incoming or (previous is not None and previous.value == current)
        if untouched:
            if current != incoming:
                setattr(record, name, new)
                changes.applied.append(name)
        else:
            changes.conflicts.append(name)
            FeedConflict.objects.create(
                model=label, object_id=record.pk, patient_id=patient_id, field=name,
                record_value=current, feed_value=incoming, message=message,
            )  # fmt: skip
        sent.append(
            FeedFieldValue(model=label, object_id=record.pk, field=name, value=incoming, message=message,
                           received_at=message.received_at)
        )  # fmt: skip
    # The new last values in one statement (an upsert on the one-per-field constraint), not one per field.
    FeedFieldValue.objects.bulk_create(
        sent,
        update_conflicts=True,
        unique_fields=["model", "object_id", "field"],
        update_fields=["value", "message", "received_at"],
    )
    return changes
