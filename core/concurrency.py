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

A model the app does not own (Django's user) has no version column but has history: its version is its
newest history row (`HistoryVersionedFormMixin`), and a save that changed nothing the history keeps (a
sign-in stamping the time) does not make a form stale.
"""

import datetime as dt
import enum
import itertools
from collections.abc import Iterable
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


# The highest version (and history row id) a form may send: a PositiveIntegerField's, an AutoField's.
MAX_VERSION = 2**31 - 1
NOT_COMPARED = ["version", "updated_at"]


def edited_by(users: Iterable[Any], at: dt.datetime) -> str:
    """ "Carys Evans, Dai Jones at 25 Nov 09:14": who saved (nobody named: "someone") and when."""
    names = {user.get_full_name() or user.get_username() for user in users if user is not None}
    return f"{', '.join(sorted(names)) or 'someone'} at {timezone.localtime(at).strftime('%d %b %H:%M')}"


def _shown(instance: Any, name: str, value: Any) -> str:
    """A value as the message shows it: a many-to-many field's rows and a foreign key's row as the names of
    what they point to (a row deleted since: "(deleted)"), a choice as its label."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        ids = [row[field.m2m_reverse_field_name()] for row in value]
        value = ", ".join(sorted(str(obj) for obj in field.related_model._base_manager.filter(pk__in=ids)))
    elif field.many_to_one and value not in (None, ""):
        row = field.related_model._base_manager.filter(pk=value).first()
        value = (getattr(row, "get_full_name", lambda: "")() or str(row)) if row is not None else "(deleted)"
    elif field.choices and value not in (None, ""):
        value = dict(field.flatchoices).get(value, value)
    return str(value) if value not in (None, "", []) else "(blank)"


def _described(instance: Any, base: Any, latest: Any, editors: Iterable[Any]) -> list[str]:
    lines = [
        f"{instance._meta.get_field(change.field).verbose_name}: "
        f"{_shown(instance, change.field, change.old)} → {_shown(instance, change.field, change.new)}"
        for change in latest.diff_against(base, excluded_fields=NOT_COMPARED).changes
    ]
    return [f"{edited_by(editors, latest.history_date)} changed " + "; ".join(lines)] if lines else []


def changes_since(instance: Any, loaded_version: int) -> list[str]:
    """Lines like "Carys Evans at 25 Nov 09:14 changed Karnofsky performance status: 70 → 50"."""
    history = list(instance.history.filter(version__gte=loaded_version).order_by("history_date", "history_id"))
    if len(history) < 2:
        return []
    return _described(instance, history[0], history[-1], [record.history_user for record in history[1:]])


def newest_history_id(instance: Any) -> int:
    """The version of a record with history but no version column: its newest history row (0: none)."""
    newest = instance.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return int(newest or 0)


def history_changes_since(instance: Any, loaded: int | None) -> list[str] | None:
    """None when nothing the record's history keeps changed since its history row `loaded` (saves that
    changed nothing, such as a sign-in's, are no change), else the lines saying who changed what (possibly
    none: a form that sent no version, or a record with no history when it was opened)."""
    if loaded is None:
        return []
    rows = list(instance.history.filter(history_id__gte=loaded).order_by("history_id"))
    if not rows:
        return None if loaded == 0 else []  # no history then or now; or a version that is none of the record's
    if rows[-1].history_id == loaded:
        return None
    if rows[0].history_id != loaded:  # no history when the form was opened, or not the record's row
        return [f"{edited_by([row.history_user for row in rows], rows[-1].history_date)} saved it"]
    if not rows[-1].diff_against(rows[0], excluded_fields=NOT_COMPARED).changes:
        return None  # only saves that changed nothing kept (a sign-in), or changes undone since
    editors = [
        after.history_user
        for before, after in itertools.pairwise(rows)
        if after.diff_against(before, excluded_fields=NOT_COMPARED).changes
    ]
    return _described(instance, rows[0], rows[-1], editors)


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


def stale_form_error(details: list[str]) -> forms.ValidationError:
    return forms.ValidationError(
        "Someone else saved this record after you opened it, so your changes were not saved. "
        + (" ".join(details) + ". " if details else "")
        + "Copy anything you need, reload the page to see their version, and make your change again.",
        code="stale_edit",
    )


def _locked(form: forms.BaseForm, instance: Any) -> Any:
    """The instance's row, to read with select_for_update: refused outside a transaction on every database."""
    database = router.db_for_write(type(instance))
    if not transaction.get_connection(database).in_atomic_block:
        raise TransactionManagementError(
            f"{type(form).__name__} checks for stale edits by locking the row until the save: "
            "validate and save it inside transaction.atomic."
        )
    return type(instance)._base_manager.select_for_update().filter(pk=instance.pk)


class VersionedFormMixin(forms.ModelForm):
    """Add to a ModelForm of a Versioned model (and render `loaded_version` in the page)."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_VERSION)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        instance = self.instance
        if not instance.pk:
            return cleaned
        current = _locked(self, instance).values_list("version", flat=True).first()
        loaded = cleaned.get("loaded_version")
        if current is not None and loaded != current:
            raise stale_form_error(changes_since(instance, loaded) if loaded is not None else [])
        instance.version = (current or 0) + 1
        return cleaned


class HistoryVersionedFormMixin(forms.ModelForm):
    """Add to a ModelForm of a model with history but no version column (a model the app does not own, such
    as the user): the version the form was opened at is the record's newest history row."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_VERSION)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = newest_history_id(self.instance)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk:
            _locked(self, self.instance).values_list("pk", flat=True).first()
            details = history_changes_since(self.instance, cleaned.get("loaded_version"))
            if details is not None:
                raise stale_form_error(details)
        return cleaned
