"""Addresses of many records on one page, reversed once."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse

STAND_IN = 2_147_483_647  # the largest id a database integer holds: no real record's, and one path segment


def reverse_each(name: str, *args: Any) -> Callable[[int], str]:
    """`reverse(name, args=[*args, pk])` for many `pk`s: reversed once with a stand-in for the last id, which
    each call puts the id in place of (a 60-case agenda names six addresses per case: 360 calls to reverse(),
    each resolving the pattern again). Without the stand-in as exactly one path segment of the address, each
    call reverses."""
    address = reverse(name, args=[*args, STAND_IN])
    segment = f"/{STAND_IN}/"
    if address.count(str(STAND_IN)) != 1 or segment not in address:
        return lambda pk: reverse(name, args=[*args, pk])
    head, tail = address.split(segment)
    return lambda pk: f"{head}/{int(pk)}/{tail}"
