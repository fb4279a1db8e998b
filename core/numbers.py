"""Whole numbers typed into a form or an address, read strictly.

`str.isdigit()` (and `isdecimal()`) accept "²", "①", full-width digits and other scripts' digits, and
`int()` then fails or reads a number nobody typed; an id past the database's integers is an
OverflowError on SQLite and an "out of range" error on PostgreSQL. Either is a 500. Every view that
takes a number from a request reads it here (or through `core.forms.IdField`, which uses this).
"""

import re

MAX_ID = 2**63 - 1  # the largest BigAutoField value on PostgreSQL and SQLite

_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")
_DIGITS = re.compile(r"[0-9]+")


def ascii_digits(text: str) -> bool:
    """True when `text` is one or more of 0 to 9 and nothing else: the one test of "only digits" (an NHS
    number, a one-time code, an HL7 date), never `str.isdigit()`."""
    return _DIGITS.fullmatch(text) is not None


def whole_number(raw: object, *, low: int = 1, high: int = MAX_ID) -> int | None:
    """The number written in ASCII digits only (spaces around it allowed), when it lies in [low, high];
    None for anything else: empty, a sign, other digits, a fraction, out of range."""
    if isinstance(raw, bool) or raw is None:
        return None
    text = str(raw).strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None
