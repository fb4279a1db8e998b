"""Saving or deleting a record so that its history row (django-simple-history) names who made the change."""

from typing import Any

from django.db import models


def save_as(user: Any, record: models.Model, *, update_fields: list[str] | None = None) -> None:
    """Save `record` with `user` on the history row it writes; without it the row would name nobody."""
    record._history_user = user  # type: ignore[attr-defined]  # read by simple_history's post_save
    record.save(update_fields=update_fields)


def delete_as(user: Any, record: models.Model) -> None:
    """Delete `record` with `user` on the history row of the deletion (one record, so post_delete sees it)."""
    record._history_user = user  # type: ignore[attr-defined]  # read by simple_history's post_delete
    record.delete()
