"""A text field with a maximum length that every path checks, not only the forms.

Django's TextField passes max_length to its form field but does not validate it on the model, so a
service's full_clean() (or clean_fields) would let a 2 MB rationale through to the letter and the PDF.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models


def unstorable(text: str) -> str:
    """Why `text` cannot be stored as typed, or "": a null character (often pasted from another program), or
    a lone surrogate (half of a character, which no database encoding holds). Forms refuse the first and
    never receive the second; this is for every other path (a service called directly, a feed)."""
    if "\x00" in text:
        return "The text has a null character (often pasted from another program): type that part again."
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "The text has a broken character (half of one): type that part again."
    return ""


def validate_storable(value: Any) -> None:
    if isinstance(value, str) and (problem := unstorable(value)):
        raise ValidationError(problem, code="unstorable")


class LimitedTextField(models.TextField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not kwargs.get("max_length"):
            raise TypeError("LimitedTextField needs a max_length.")
        super().__init__(*args, **kwargs)
        self.validators.extend([MaxLengthValidator(kwargs["max_length"]), validate_storable])


def validate_only(instance: models.Model, *names: str) -> None:
    """Run the field validators (maximum length and the like) of these fields only: a service that
    sets one or two values checks them without the queries of a full clean."""
    instance.clean_fields(exclude=[f.name for f in instance._meta.fields if f.name not in names])
