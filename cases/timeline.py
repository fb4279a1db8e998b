"""The audit timeline of a case: every saved change to the case, its patient, scans and scores.

Built from django-simple-history's tables: who, when, and what changed (old -> new),
one query per source however long the history. Other apps add their own sources
(agenda items, decisions) with `register_source` from their AppConfig.ready().
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db.models import QuerySet

from cases.models import Assessment, Case, Patient, Scan

# (label for an object, queryset of its historical rows for a case)
Source = tuple[Callable[[Any], str], Callable[[Case], QuerySet[Any]]]
_SOURCES: list[Source] = []

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
HIDDEN_FIELDS = ["version", "updated_at", "created_at", "total", "band", "complete"]


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    user: Any
    action: str
    subject: str
    changes: tuple[Change, ...]


def register_source(label: Callable[[Any], str], records: Callable[[Case], QuerySet[Any]]) -> None:
    _SOURCES.append((label, records))


def _display(record: Any, field: str, value: Any) -> str:
    if value in (None, "", [], {}):
        return "(blank)"
    model_field = record.instance_type._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{key}: {option}" for key, option in value.items())
    return str(value)


def _entries(label: Callable[[Any], str], records: Iterable[Any]) -> list[Entry]:
    entries: list[Entry] = []
    ordered = sorted(records, key=lambda r: (r.id, r.history_date, r.history_id))
    for _, group in groupby(ordered, key=lambda r: r.id):
        previous = None
        for record in group:
            changes: tuple[Change, ...] = ()
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous, excluded_fields=HIDDEN_FIELDS)
                changes = tuple(
                    Change(
                        str(record.instance_type._meta.get_field(c.field).verbose_name),
                        _display(record, c.field, c.old),
                        _display(record, c.field, c.new),
                    )
                    for c in delta.changes
                )
            if record.history_type != "~" or changes:
                entries.append(
                    Entry(
                        record.history_date, record.history_user, ACTIONS[record.history_type], label(record), changes
                    )
                )
            previous = record
    return entries


def case_timeline(case: Case) -> list[Entry]:
    """Oldest first."""
    entries: list[Entry] = []
    for label, records in _SOURCES:
        entries.extend(_entries(label, records(case).select_related("history_user")))
    return sorted(entries, key=lambda entry: entry.at)


register_source(lambda r: "Patient record", lambda case: Patient.history.filter(id=case.patient_id))
register_source(lambda r: "Case", lambda case: Case.history.filter(id=case.pk))
register_source(
    lambda r: f"{r.get_modality_display()} requested {r.requested_at:%d %b %Y}",
    lambda case: Scan.history.filter(case_id=case.pk),
)
register_source(
    lambda r: f"{r.get_kind_display()}{' ' + r.level if r.level else ''}",
    lambda case: Assessment.history.filter(case_id=case.pk),
)
