"""Putting a service's refusal in front of the user: on the form, or as one line of text.

Services raise ValidationError keyed by field (see each app's services); views show the errors
next to the fields the form has, and the rest at the top of the form.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


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
