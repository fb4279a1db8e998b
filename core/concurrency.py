"""Stale edits: two people editing the same record must not silently overwrite each other.

Versioned models carry a `version` number. An edit form remembers the version it
was opened at (a hidden field); on save the row is locked and its current version
compared: if someone else saved in between, the form fails with a message naming
who changed what, and nothing is saved. Otherwise the version goes up by one.

The lock (select_for_update) is held until the surrounding transaction ends, and
admin change views and the views here run in one, so the check and the save
cannot interleave with another writer. On SQLite, IMMEDIATE transactions
serialise writers instead. A form validated outside a transaction is refused on
every database (TransactionManagementError): PostgreSQL refuses the lock there, and
SQLite, which ignores it, would otherwise hide the mistake until production.

A service that edits a Versioned record for a page takes the version the page was opened at
(`loaded_version`) and asks `stale_edit`: a post without it (None) is refused like a stale one, never
saved unchecked. Only a service's own caller with no form behind it (a demo, a task) passes `NO_FORM`.
"""

import enum
from typing import Any, Final, Literal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def changes_since(instance: Any, loaded_version: int) -> list[str]:
    """Lines like "Carys Evans at 25 Nov 09:14 changed Karnofsky performance status: 70 → 50"."""
    history = list(instance.history.filter(version__gte=loaded_version).order_by("history_date", "history_id"))
    if len(history) < 2:
        return []
    base, latest = history[0], history[-1]
    editors = {record.history_user for record in history[1:] if record.history_user is not None}
    who = ", ".join(sorted(user.get_full_name() or user.get_username() for user in editors)) or "someone"
    when = timezone.localtime(latest.history_date).strftime("%d %b %H:%M")
    lines = []
    for change in latest.diff_against(base, excluded_fields=["version", "updated_at"]).changes:
        label = instance._meta.get_field(change.field).verbose_name
        lines.append(f"{label}: {change.old or '(blank)'} → {change.new or '(blank)'}")
    return [f"{who} at {when} changed " + "; ".join(lines)] if lines else []


class _NoForm(enum.Enum):
    NO_FORM = "no form"


# A service's own write with no form behind it (a demo, a task): there is no opened version to compare.
NO_FORM: Final = _NoForm.NO_FORM
LoadedVersion = int | None | Literal[_NoForm.NO_FORM]

MISSING_VERSION = (
    "This page did not send the version of the record it was opened at, so your changes were not saved. "
    "Reload the page and make your change again."
)


def stale_edit(instance: Any, loaded_version: LoadedVersion, *, field: str | None = None) -> list[str] | None:
    """None when an edit opened at `loaded_version` may be saved over `instance` (locked by the caller), else
    the lines saying who changed what since (possibly none) for the service's message. A page's post without
    its version (None) is refused here, with MISSING_VERSION on `field`: it is never saved unchecked."""
    if loaded_version is NO_FORM or loaded_version == instance.version:
        return None
    if loaded_version is None:
        raise ValidationError({field: MISSING_VERSION} if field else MISSING_VERSION, code="missing_version")
    return changes_since(instance, loaded_version)


class VersionedFormMixin(forms.ModelForm):
    """Add to a ModelForm of a Versioned model (and render `loaded_version` in the page)."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        instance = self.instance
        if not instance.pk:
            return cleaned
        database = router.db_for_write(type(instance))
        if not transaction.get_connection(database).in_atomic_block:
            raise TransactionManagementError(
                f"{type(self).__name__} checks for stale edits by locking the row until the save: "
                "validate and save it inside transaction.atomic."
            )
        current = (
            type(instance)
            ._base_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        loaded = cleaned.get("loaded_version")
        if current is not None and loaded != current:
            details = changes_since(instance, loaded) if loaded is not None else []
            raise forms.ValidationError(
                "Someone else saved this record after you opened it, so your changes were not saved. "
                + (" ".join(details) + ". " if details else "")
                + "Copy anything you need, reload the page to see their version, and make your change again.",
                code="stale_edit",
            )
        instance.version = (current or 0) + 1
        return cleaned
