"""Model and form fields for identifiers and lists that people type."""

import json
import operator
from collections.abc import Iterable
from functools import reduce
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.db.models.lookups import Contains

from cases.choices import RED_FLAG_CHOICES, RED_FLAG_LABELS, Ecog
from cases.scoring import parse_levels
from cases.validators import normalise_nhs_number, validate_nhs_number


def normalise_mrn(value: Any) -> Any:
    """Capitals for ASCII letters only: "ß".upper() is "SS", which would change the number silently
    (and non-ASCII MRNs are refused by validate_mrn anyway)."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    return value.upper() if value.isascii() else value


validate_mrn = RegexValidator(
    r"^[A-Z0-9][A-Z0-9/-]*$",
    "An MRN is letters and digits (a dash or slash between them is fine), e.g. RXH0012345.",
    code="invalid_mrn",
)


class MRNField(models.CharField):
    """A hospital number, stored upper-case: "demo0001" and "DEMO0001" are one patient.

    Normalised wherever a value reaches the database (forms, services, create(), bulk writes,
    lookups), and held by a check constraint (stored value = its upper case), so the column's
    unique index is case-insensitive in effect on SQLite and PostgreSQL alike. Letters are
    ASCII only, so SQLite's upper() and PostgreSQL's agree with Python's.
    """

    default_validators = [validate_mrn]

    def to_python(self, value: Any) -> Any:
        return normalise_mrn(super().to_python(value))

    def get_prep_value(self, value: Any) -> Any:
        return normalise_mrn(super().get_prep_value(value))

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = normalise_mrn(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


class NHSNumberFormField(forms.CharField):
    """Accepts "943 476 5919" or "943-476-5919" and cleans to "9434765919"."""

    default_validators = [validate_nhs_number]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)  # the 10-digit rule has its own, clearer message
        kwargs.setdefault("empty_value", None)
        kwargs.setdefault("help_text", "10 digits; spaces and dashes are fine.")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return normalise_nhs_number(text) or None if text else None

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "maxlength": "14", "autocomplete": "off"}


class NHSNumberField(models.CharField):
    """A 10-digit NHS number; null when unknown so that uniqueness applies only to known numbers.

    The modulus-11 check digit is the model field's own validator, so every path that validates
    (forms, workspace, services, the PAS feed) refuses a mistyped number, not only the forms (HAZ-013).
    """

    default_validators = [validate_nhs_number]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["max_length"] = 10
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        if text is None:
            return None
        return normalise_nhs_number(text) or None

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": NHSNumberFormField, **kwargs})


class RedFlagsFormField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        for unused in ("max_length", "encoder", "decoder", "empty_value"):
            kwargs.pop(unused, None)
        kwargs["choices"] = RED_FLAG_CHOICES
        super().__init__(**kwargs)


def validate_red_flags(value: list[str]) -> None:
    unknown = [key for key in value if key not in RED_FLAG_LABELS]
    if unknown:
        raise ValidationError(
            "Unknown red-flag symptom: %(keys)s.", code="red_flag", params={"keys": ", ".join(unknown)}
        )


class RedFlagsField(models.JSONField):
    """A list of red-flag keys from docs/clinical-reference.md §7.2, edited as grouped checkboxes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("validators", [validate_red_flags])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:
        return RedFlagsFormField(
            required=not self.blank, label=self.verbose_name.capitalize(), help_text=self.help_text
        )


def holds_any(field: str, keys: Iterable[str]) -> Q:
    """A RedFlagsField (a JSON list of keys) holding any of `keys`, in SQL that PostgreSQL and SQLite both run
    inside a CHECK constraint (neither JSON containment, which SQLite lacks, nor a subquery, which its CHECK
    refuses): the list's JSON text contains the key in its quotes. Keys are plain identifiers, so a quoted
    key matches that element and nothing else."""
    text = Cast(field, output_field=TextField())
    return reduce(operator.or_, (Q(Contains(text, json.dumps(key))) for key in sorted(keys)))


class SpinalLevelsFormField(forms.CharField):
    """Typed as "T4, T6-T8"; cleaned to ["T4", "T6", "T7", "T8"]."""

    def __init__(self, **kwargs: Any) -> None:
        for unused in ("max_length", "encoder", "decoder"):
            kwargs.pop(unused, None)
        kwargs.setdefault("help_text", 'Vertebral levels, e.g. "T4, T6-T8" or "L1".')
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return []
        try:
            return parse_levels(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="spinal_level") from exc


def validate_spinal_levels(value: list[str]) -> None:
    try:
        parse_levels(", ".join(value))
    except ValueError as exc:
        raise ValidationError(str(exc), code="spinal_level") from exc


class SpinalLevelsField(models.JSONField):
    """An ordered list of vertebral levels ("T4", "L1")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("validators", [validate_spinal_levels])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs: Any) -> Any:
        return SpinalLevelsFormField(
            required=not self.blank, label=self.verbose_name.capitalize(), help_text=self.help_text
        )


def ecog_field() -> "models.PositiveSmallIntegerField[Any, Any]":
    """The ECOG performance status, 0 to 5 (docs/clinical-reference.md), blank when not assessed: the case's and
    the referral's, one definition."""
    return models.PositiveSmallIntegerField(
        "ECOG performance status",
        choices=Ecog.choices,
        null=True,
        blank=True,
        validators=[MaxValueValidator(5, "ECOG performance status is a whole number from 0 to 5.")],
    )
