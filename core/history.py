"""Saving a record so that its history row (django-simple-history) names who made the change."""

from typing import Any

from django.db import models


def save_as(user: Any, record: models.Model, *, update_fields: list[str] | None = None) -> None:
    """Save `record` with `user` on the history row it writes; without it the row would name nobody."""
    record._history_user = user  # type: ignore[attr-defined]  # read by simple_history's post_save
    record.save(update_fields=update_fields)
