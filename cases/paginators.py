"""A paginator that never counts a whole large table.

Django's paginator runs COUNT(*) over the full result on every page. On 100,000
patients (or 1,000,000 scans) that count costs more than the page itself. Here:
- an unfiltered list on PostgreSQL uses the planner's row estimate (pg_class);
- anything else counts at most COUNT_CAP + 1 rows, and reports "more than" beyond.
"""

from collections.abc import Iterator
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet

COUNT_CAP = 10_000


class EstimatedCountPaginator(Paginator):
    count_is_estimate = False
    count_is_capped = False

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if not isinstance(object_list, QuerySet):
            return len(object_list)
        estimate = _table_estimate(object_list)
        if estimate is not None and estimate > COUNT_CAP:
            self.count_is_estimate = True
            return estimate
        # COUNT over a LIMIT subquery: stops reading after COUNT_CAP + 1 rows.
        capped = object_list.order_by()[: COUNT_CAP + 1].count()
        if capped > COUNT_CAP:
            self.count_is_capped = True
            return COUNT_CAP
        return capped


def _table_estimate(queryset: QuerySet) -> int | None:
    """The planner's row estimate for an unfiltered PostgreSQL table, else None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or queryset.query.where or queryset.query.distinct:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
        )
        row = cursor.fetchone()
    if row is None or row[0] < 0:  # -1: never analysed
        return None
    return int(row[0])


class Window:
    """One page of a list fetched without counting it: PAGE_SIZE + 1 rows tell whether more follow."""

    def __init__(self, queryset: QuerySet, page: int, page_size: int) -> None:
        self.number = max(page, 1)
        offset = (self.number - 1) * page_size
        rows = list(queryset[offset : offset + page_size + 1])
        self.has_next = len(rows) > page_size
        self.has_previous = self.number > 1
        self.object_list = rows[:page_size]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def page_number(raw: str | None) -> int:
    """A page number from the query string; anything odd is page 1."""
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1
