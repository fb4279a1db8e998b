"""Forms' helpers: putting a service's refusal in front of the user, and the fields for the values
every view takes from a request (record ids, lists of them).

Services raise ValidationError keyed by field (see each app's services); views show the errors
next to the fields the form has, and the rest at the top of the form. An id outside the range of
the database's integers is refused by the form, never sent to the database (SQLite raises
OverflowError, PostgreSQL "out of range": either would be a 500).
"""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

from core.numbers import MAX_ID, whole_number


def add_service_errors(form: forms.BaseForm, exc: ValidationError, *others: forms.BaseForm) -> None:
    """Each message on its field in the first of the forms that has that field (`form`, then `others`: the
    forms posted together), else as a form-wide error of `form`."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            owner = next((f for f in (form, *others) if name in f.fields), None)
            (owner or form).add_error(name if owner is not None else None, errors)
    else:
        form.add_error(None, exc.messages)


def errors_text(source: forms.BaseForm | ValidationError) -> str:
    """Every message of a form's errors or of a ValidationError, as one line (for a flash message)."""
    if isinstance(source, ValidationError):
        return " ".join(source.messages)
    errors: Any = source.errors
    return " ".join(str(error) for field_errors in errors.values() for error in field_errors)


__all__ = [
    "MAX_ID",
    "CompactForm",
    "IdField",
    "IdListField",
    "add_service_errors",
    "errors_text",
    "ids_in",
    "named_errors",
]


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


def _compact_helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.label_class = "small mb-0"
    helper.wrapper_class = "field-compact"  # static/css/app.css: no margin under the field
    return helper


class CompactForm(forms.Form):
    """A form whose fields sit small in a row beside their button (a row of a list, the live screen's
    controls): crispy (`as_crispy_field`, which reads `helper`) gives each a small label and no margin
    under it, and the controls take Bootstrap's small size. Only the look: what the form reads is its own."""

    helper = _compact_helper()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            small = _small_class(field.widget)
            if small:
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {small}".strip()


def _small_class(widget: forms.Widget) -> str:
    """Bootstrap's small size for a select or a box typed into; none for hidden inputs, ticks and radios."""
    if isinstance(widget, forms.Select):
        return "form-select-sm"
    if isinstance(widget, forms.Textarea) or getattr(widget, "input_type", "hidden") not in NOT_TYPED:
        return "form-control-sm"
    return ""


NOT_TYPED = ("hidden", "radio", "checkbox", "file")
