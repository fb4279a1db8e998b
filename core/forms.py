"""Form fields for the values every view takes from a request: record ids, lists of them.

An id outside the range of the database's integers is refused by the form, never sent to the
database (SQLite raises OverflowError, PostgreSQL "out of range": either would be a 500).
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1  # the largest BigAutoField value on PostgreSQL and SQLite


class IdField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdListField(forms.Field):
    """Several ids under one name (ticked boxes); each must be a whole number in range."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = []
        for raw in values:
            text = str(raw).strip()
            if not text.isdecimal() or not 1 <= int(text) <= MAX_ID:
                raise ValidationError("Each choice must be a record number.", code="invalid_id")
            ids.append(int(text))
        return list(dict.fromkeys(ids))


def ids_in(values: list[str]) -> list[int]:
    """The valid ids among raw values (anything else dropped), for choices built from a request."""
    return [int(v) for v in values if v.isdecimal() and 1 <= int(v) <= MAX_ID]
