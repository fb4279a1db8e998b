"""Search parameters of the FHIR API, parsed strictly: an unknown or malformed parameter is a
400 with an OperationOutcome naming it, never ignored (a misspelt `identifier` must not turn
into "every patient")."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.numbers import whole_number

# Parameters every search takes; `after` is the keyset cursor of the next link (an id).
COMMON = frozenset({"_lastUpdated", "_count", "after", "_format"})
PREFIXES = {"eq", "gt", "ge", "lt", "le"}


class SearchError(ValueError):
    """A bad search parameter: the message names it and says what is accepted."""


@dataclass
class Search:
    params: dict[str, list[str]]
    count: int
    after: int | None
    last_updated: list[tuple[str, dt.datetime, dt.datetime]] = field(default_factory=list)

    def first(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None

    def updated_q(self, field_name: str) -> Q:
        """The _lastUpdated conditions as a filter on `field_name`."""
        condition = Q()
        for prefix, start, end in self.last_updated:
            condition &= {
                "eq": Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end}),
                "gt": Q(**{f"{field_name}__gte": end}),
                "ge": Q(**{f"{field_name}__gte": start}),
                "lt": Q(**{f"{field_name}__lt": start}),
                "le": Q(**{f"{field_name}__lt": end}),
            }[prefix]
        return condition


def parse(query: Mapping[str, list[str]], allowed: frozenset[str]) -> Search:
    unknown = sorted(set(query) - allowed - COMMON)
    if unknown:
        names = ", ".join(sorted(allowed | {"_lastUpdated", "_count"}))
        raise SearchError(f"Unknown search parameter {unknown[0]!r}: this resource is searched by {names}.")
    search = Search(params=dict(query), count=_count(query.get("_count")), after=_after(query.get("after")))
    search.last_updated = [_last_updated(value) for value in query.get("_lastUpdated", [])]
    return search


def _count(values: list[str] | None) -> int:
    if not values:
        return int(settings.FHIR_PAGE_SIZE)
    raw = values[0]
    count = whole_number(raw)
    if count is None:
        raise SearchError(f"_count={raw!r}: give a whole number of at least 1.")
    return min(count, int(settings.FHIR_MAX_PAGE_SIZE))


def _after(values: list[str] | None) -> int | None:
    if not values:
        return None
    after = whole_number(values[0], low=0)
    if after is None:
        raise SearchError("after: use the next link the server gave.")
    return after


def _last_updated(raw: str) -> tuple[str, dt.datetime, dt.datetime]:
    """(prefix, start, end): the value names the interval [start, end): a whole day or an instant."""
    prefix, text = (raw[:2], raw[2:]) if raw[:2] in PREFIXES else ("eq", raw)
    moment = parse_datetime(text.replace(" ", "+")) if "T" in text else None
    if moment is not None:
        if timezone.is_naive(moment):
            raise SearchError(f"_lastUpdated={raw!r}: a time needs its zone, e.g. 2026-11-30T09:00:00Z.")
        return prefix, moment, moment + dt.timedelta(microseconds=1)
    day = parse_date(text) if "T" not in text else None
    if day is None:
        raise SearchError(
            f"_lastUpdated={raw!r}: give a date (2026-11-30) or a time with its zone, "
            "optionally after ge, gt, le, lt or eq."
        )
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return prefix, start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def reference_id(raw: str, resource_type: str = "Patient") -> int:
    """`123` or `Patient/123` -> 123."""
    number = whole_number(raw.removeprefix(f"{resource_type}/"), low=0)
    if number is None:
        raise SearchError(f"{raw!r} is not a {resource_type} reference: give {resource_type}/<id> or the id.")
    return number


def identifier(raw: str) -> tuple[str | None, str]:
    """`system|value`, `|value` or `value` -> (system or None, value)."""
    if "|" in raw:
        system, value = raw.split("|", 1)
        return (system or None), value
    return None, raw
