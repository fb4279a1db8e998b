"""Measure a thing and its baseline the same way, in the same process, on the same data.

Every benchmark here is a pair (or more) of callables run alternately, so machine noise
hits both alike; each reports SQL queries, median and 95th-percentile time, and the
ratio to its baseline. Nothing here asserts a time: the numbers are for people.
"""

import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import django
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext


@dataclass
class Measure:
    name: str
    queries: int
    times: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


@dataclass
class Comparison:
    title: str
    measures: list[Measure]
    notes: list[str] = field(default_factory=list)

    def rows(self) -> list[str]:
        ours = self.measures[0]
        lines = []
        for measure in self.measures:
            ratio = measure.median_ms / ours.median_ms if ours.median_ms else float("nan")
            lines.append(
                f"| {self.title} | {measure.name} | {measure.queries} | {measure.median_ms:.1f} | "
                f"{measure.p95_ms:.1f} | {ratio:.2f}x |"
            )
        return lines


def measure(
    candidates: dict[str, Callable[[], Any]],
    *,
    repeats: int,
    warmup: int = 2,
    setup: dict[str, Callable[[], Any]] | None = None,
) -> list[Measure]:
    """Run each candidate `repeats` times, interleaved; count the queries of one run.

    `setup` gives a candidate untimed work to do before each of its runs (the state it is measured
    from, e.g. one case edited before a pack rebuild). Before each timed run the benchmark process's
    own garbage is collected, untimed: this process holds every client, page and row of the run, so a
    full collection that falls inside one request times the benchmark's heap, not the page (a web
    worker's heap is a fraction of it); without it the medians at size L were two-valued.
    """
    setup = setup or {}
    results = {}
    for name, run in candidates.items():
        for _ in range(warmup):
            setup.get(name, _nothing)()
            run()
        setup.get(name, _nothing)()
        with CaptureQueriesContext(connection) as ctx:
            run()
        results[name] = Measure(name, len(ctx.captured_queries))
    for _ in range(repeats):
        for name, run in candidates.items():
            setup.get(name, _nothing)()
            reset_queries()
            gc.collect()
            started = time.perf_counter()
            run()
            results[name].times.append(time.perf_counter() - started)
    return list(results.values())


def _nothing() -> None:
    return None


def vacuum(*tables: str) -> None:
    """VACUUM ANALYZE the tables a benchmark has just churned, on PostgreSQL (a no-op elsewhere).

    A deployment runs autovacuum, which keeps a table's visibility map and statistics current after a
    burst of writes; a benchmark that writes and then reads at once (the audit's stored months, the
    sweep's outbox) would otherwise time dead rows and stale plans that production does not see."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'VACUUM ANALYZE "{table}"')  # table names are the benchmark's own constants


def header() -> list[str]:
    vendor = connection.vendor
    version = connection.cursor().connection.info.server_version if vendor == "postgresql" else ""
    return [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"Python {sys.version.split()[0]}, Django {django.get_version()}, database {vendor} {version}".rstrip(),
        "",
        "| Benchmark | Variant | Queries | Median ms | p95 ms | Time vs ours |",
        "| --- | --- | --- | --- | --- | --- |",
    ]


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
