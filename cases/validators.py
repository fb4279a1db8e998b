"""Validators and normalisers for identifiers typed by people."""

import re

from django.core.exceptions import ValidationError

from cases import scoring
from core.numbers import ascii_digits

_NHS_SEPARATORS = re.compile(r"[\s\-\u2013\u2014]+")  # spaces, hyphens, en and em dashes


def looks_like_nhs_number(text: str) -> bool:
    """True when text, once spaces and dashes are removed, is exactly ten ASCII digits."""
    digits = normalise_nhs_number(text)
    return len(digits) == 10 and ascii_digits(digits)


def normalise_nhs_number(raw: str) -> str:
    """Strip the spaces and dashes people type ("943 476 5919", "943-476-5919")."""
    return _NHS_SEPARATORS.sub("", raw or "")


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None when no valid number can end them."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def validate_nhs_number(value: str) -> None:
    """Raise ValidationError unless value (already normalised) is a valid 10-digit NHS number."""
    if not ascii_digits(value):
        raise ValidationError(
            "An NHS number has digits only (spaces and dashes are fine): %(value)s has other characters.",
            code="nhs_number_characters",
            params={"value": value},
        )
    if len(value) != 10:
        raise ValidationError(
            "An NHS number has 10 digits; this one has %(count)d.",
            code="nhs_number_length",
            params={"count": len(value)},
        )
    if nhs_check_digit(value[:9]) != int(value[9]):
        raise ValidationError(
            "This is not a valid NHS number: its check digit is wrong. Check it was typed correctly.",
            code="nhs_number_check_digit",
        )


def format_nhs_number(value: str | None) -> str:
    """Show a stored NHS number as 3-3-4 ("943 476 5919")."""
    if not value or len(value) != 10:
        return value or ""
    return f"{value[:3]} {value[3:6]} {value[6:]}"


def validate_karnofsky(value: int) -> None:
    """The table in cases.scoring is the one rule (multiples of 10 from 0 to 100); this gives the form's message."""
    try:
        scoring.validate_karnofsky(value)
    except ValueError as exc:
        raise ValidationError(
            "Karnofsky performance status is a multiple of 10 from 0 to 100; %(value)s is not.",
            code="karnofsky",
            params={"value": value},
        ) from exc


# A DICOM unique identifier (PS3.5 §9.1): numeric components separated by dots, no leading
# zero in a component of more than one digit, at most 64 characters.
_DICOM_UID = re.compile(r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*")


def validate_dicom_uid(value: str) -> None:
    if len(value) > 64 or not _DICOM_UID.fullmatch(value):
        raise ValidationError(
            "A study instance UID is numbers separated by dots (e.g. 1.2.826.0.1.3680043.2.1125.1), "
            "with no leading zeros and at most 64 characters.",
            code="dicom_uid",
        )


_ODS_SITE = re.compile(r"[A-Z0-9]{3,5}")


def validate_ods_code(value: str) -> None:
    """An NHS organisation (3 characters) or site (5 characters) code, e.g. RXX or RXX01."""
    if not _ODS_SITE.fullmatch(value):
        raise ValidationError(
            "An organisation site code is 3 to 5 capital letters and digits, e.g. RXX01.", code="ods_code"
        )
