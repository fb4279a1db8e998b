"""Database helpers with no model in them."""

import contextlib
from collections.abc import Iterator

from django.db import connection


@contextlib.contextmanager
def serial_plans() -> Iterator[None]:
    """The queries inside are planned without parallel workers (PostgreSQL; elsewhere nothing changes).

    For a list that walks an index in the order it shows and stops after a few hundred rows: PostgreSQL
    can estimate a parallel plan cheaper, and starting its workers then costs more than the walk (the
    coordinator's candidates from new MRI reports at 100,000 patients: 14 ms in parallel, 0.6 ms without).
    A query that reads a large part of a table (the audit's) keeps its parallel plan: it is not inside.
    Two statements more, SET and RESET, on the same connection; after an error inside a transaction
    the rollback undoes the SET.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    try:
        yield
    finally:
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("RESET max_parallel_workers_per_gather")
