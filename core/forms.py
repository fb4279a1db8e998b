"""Forms' helpers: putting a service's refusal in front of the user, and the fields for the values
every view takes from a request (record ids, lists of them).

Services raise ValidationError keyed by field (see each app's services); views show the errors
next to the fields the form has, and the rest at the top of the form. An id outside the range of
the database's integers is refused by the form, never sent to the database (SQLite raises
OverflowError, PostgreSQL "out of range": either would be a 500).
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from core.numbers import MAX_ID, whole_number


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Each message on its field when the form has that field, else as a form-wide error."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def errors_text(source: forms.BaseForm | ValidationError) -> str:
    """Every message of a form's errors or of a ValidationError, as one line (for a flash message)."""
    if isinstance(source, ValidationError):
        return " ".join(source.messages)
    errors: Any = source.errors
    return " ".join(str(error) for field_errors in errors.values() for error in field_errors)


__all__ = ["MAX_ID", "IdField", "IdListField", "add_service_errors", "errors_text", "ids_in", "named_errors"]


def named_errors(form: forms.BaseForm, exc: ValidationError | None = None) -> ValidationError:
    """The form's errors (or a service's refusal of its data), each message led by its field's label, for a
    page that answers with a message rather than the form: "Note: Ensure this value has at most 2000
    characters". A message that already names its field is left as it is."""
    source: dict[str, list[str]]
    if exc is None:
        source = {name: [str(error) for error in errors] for name, errors in form.errors.items()}
    elif hasattr(exc, "error_dict"):
        source = exc.message_dict
    else:
        return exc
    named: dict[str, list[str]] = {}
    for name, messages in source.items():
        field = form.fields.get(name)
        label = str(field.label or name.replace("_", " ").capitalize()) if field is not None else ""
        named[name] = [
            f"{label}: {message}" if label and label.lower() not in message.lower() else message for message in messages
        ]
    return ValidationError(named)


class IdField(forms.IntegerField):
    """A record's id: ASCII digits only (Django's IntegerField reads full-width digits), within the column's range."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        number = whole_number(value, low=0)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdListField(forms.Field):
    """Several ids under one name (ticked boxes); each must be a whole number in range."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = []
        for raw in values:
            number = whole_number(raw)
            if number is None:
                raise ValidationError("Each choice must be a record number.", code="invalid_id")
            ids.append(number)
        return list(dict.fromkeys(ids))


def ids_in(values: list[str]) -> list[int]:
    """The valid ids among raw values (anything else dropped), for choices built from a request."""
    return [number for number in map(whole_number, values) if number is not None]
