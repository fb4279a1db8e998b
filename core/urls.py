"""Addresses: of many records on one page, reversed once; where a `next` may send the user back to."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

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


def local_path(request: HttpRequest, wanted: str | None) -> str | None:
    """`wanted` (a `next` posted or in the query) when it is a path on this site, else None: never an address
    elsewhere (an open redirect sends a signed-in clinician to a look-alike sign-in page)."""
    if not wanted or not wanted.startswith("/") or wanted.startswith("//"):
        return None
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if safe else None
