"""A paginator that never counts a whole large table.

Django's paginator runs COUNT(*) over the full result on every page. On 100,000
patients (or 1,000,000 scans) that count costs more than the page itself. Here:
- an unfiltered list on PostgreSQL uses the planner's row estimate (pg_class);
- anything else counts at most COUNT_CAP + 1 rows (a search's matches SEARCH_COUNT_CAP + 1), and reports
  "more than" beyond (`count_text`, shown by the workspace's lists).
"""

from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, QuerySet, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Concat

from core.numbers import whole_number

COUNT_CAP = 10_000
# A search's matches are counted up to here: a page of a common prefix ("smi") must not count thousands.
SEARCH_COUNT_CAP = 1_000


class EstimatedCountPaginator(Paginator):
    count_is_estimate = False
    count_is_capped = False
    count_cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        if not isinstance(object_list, QuerySet):
            return len(object_list)
        estimate = _table_estimate(object_list)
        if estimate is not None and estimate > self.count_cap:
            self.count_is_estimate = True
            return estimate
        # COUNT over a LIMIT subquery: stops reading after count_cap + 1 rows.
        capped = object_list.order_by()[: self.count_cap + 1].count()
        if capped > self.count_cap:
            self.count_is_capped = True
            return self.count_cap
        return capped

    @property
    def count_text(self) -> str:
        """The count as the page says it: "more than 1,000" when capped, "about 100,000" when estimated."""
        count = self.count
        return f"{'more than ' if self.count_is_capped else 'about ' if self.count_is_estimate else ''}{count:,}"


class SearchPaginator(EstimatedCountPaginator):
    """A search's matches: counted up to SEARCH_COUNT_CAP, and with `first`, each page read through it:
    `first(n)` is the same list narrowed by the database to its first n rows (for a patient search in name
    order, cases.patient_search), so a page of a common prefix reads its own rows, not every match."""

    count_cap = SEARCH_COUNT_CAP

    def __init__(self, *args: Any, first: Callable[[int], QuerySet] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first = first

    def page(self, number: Any) -> Any:
        if self.first is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.first(top)[bottom:top], number, self)  # type: ignore[attr-defined]


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


# Past this, the OFFSET would leave the range of the database's integers (a 500): no list here is that long.
MAX_PAGE = 1_000_000


def page_number(raw: str | None) -> int:
    """A page number from the query string; anything odd (not a number, below 1, absurdly large) is page 1."""
    return min(whole_number(raw, high=9_999_999) or 1, MAX_PAGE)


class Keyset:
    """A page of a long list that costs the same on page 1 and page 2,000: no COUNT, no OFFSET.

    The next page starts after the last row shown, identified by its id only (no patient data in
    the address): the list continues with a lexicographic "greater than" on the ordering columns,
    compared with that row's values in a subquery, all served by their index: one query a page.
    `ordering` is ascending field names ending with "id".
    """

    def __init__(
        self,
        queryset: QuerySet,
        ordering: list[str],
        after: int | None,
        page_size: int,
        sort: list[str | Combinable] | None = None,
    ) -> None:
        """`sort`: the same order written as expressions (see `sorted_not_walked`), when it must not
        come from the ordering's index."""
        self.after = after
        queryset = queryset.order_by(*(sort or ordering))
        if after is not None:
            queryset = _after(queryset, ordering, after)
        rows = list(queryset[: page_size + 1])
        self.has_next = len(rows) > page_size
        self.object_list = rows[:page_size]
        self.next_after = self.object_list[-1].pk if self.has_next else None
        self.has_previous = after is not None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def _after(queryset: QuerySet, ordering: list[str], after: int) -> QuerySet:
    """Rows after row `after`: `(a, b, id) > (SELECT a, b, id ... WHERE id = after)`, one row-value
    comparison that PostgreSQL and SQLite answer from the (a, b, id) index, in the same query.
    (Spelled out as ORs it made PostgreSQL scan; a separate lookup of the anchor cost a query.)"""
    meta = queryset.model._meta
    quote = connections[queryset.db].ops.quote_name
    table = quote(meta.db_table)
    columns = [quote(meta.get_field(name).column) for name in ordering]
    outer = ", ".join(f"{table}.{column}" for column in columns)
    inner = ", ".join(f"anchor.{column}" for column in columns)
    where = f"({outer}) > (SELECT {inner} FROM {table} anchor WHERE anchor.{quote(meta.pk.column)} = %s)"  # noqa: S608 - quoted names only
    return queryset.extra(where=[where], params=[after])  # noqa: S610 - an id, no user text


def after_id(raw: str | None) -> int | None:
    """The id from ?after=; anything odd (not a number, past the largest id) starts from the first page."""
    return whole_number(raw, low=0)


def sorted_not_walked(field: str) -> Concat:
    """The field's own value as an expression no index serves, to ORDER BY in place of the field.

    A narrow filter ordered by an indexed column with a LIMIT can lead PostgreSQL to walk that
    column's index from the start and test every row, expecting matches early: a search for
    surnames starting "smi", ordered by surname, read 90,000 of 100,000 patients (docs/benchmarks.md).
    Ordered by this instead, the matches come from the filter's own indexes and are sorted: the cost
    follows the number of matches, not the table. Same values, so the same order (and keyset)."""
    return Concat(F(field), Value(""))
