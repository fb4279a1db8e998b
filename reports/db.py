"""Due times computed by the database, exactly as `cases.clocks.Target.due` computes them in Python.

A target in hours is elapsed time: start + N hours, on every backend. A target in days is
calendar days on the service's wall clock (docs/clinical-reference.md §7.1, "7 calendar days"): take the local
time, add N days, and read the result back in the local zone. When that local time falls in the
hour repeated at the autumn change, Python (`make_aware`, fold=0) takes the first of the two
instants; PostgreSQL's `AT TIME ZONE` takes the second, so `AddLocalDays` corrects for it. A local
time in the spring gap is read with the offset before the change by both.
"""

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    DurationField,
    Expression,
    ExpressionWrapper,
    F,
    Func,
    Value,
    When,
)
from django.db.models.lookups import IsNull, LessThan, LessThanOrEqual
from django.db.models.sql.compiler import SQLCompiler

from cases.clocks import Target
from core import timezones

SQLITE_FUNCTION = "reports_add_local_days"


def add_local_days(value: str | None, days: int | None, zone: str | None) -> str | None:
    """The SQLite function: a stored UTC datetime ("YYYY-MM-DD HH:MM:SS[.ffffff]") plus calendar days."""
    if value is None or days is None or zone is None:
        return None
    started = dt.datetime.fromisoformat(value)
    started = started.replace(tzinfo=dt.UTC) if started.tzinfo is None else started
    due = timezones.add_local_days(started, days, zoneinfo.ZoneInfo(zone))
    # Stored back the way Django stores datetimes on SQLite (naive UTC, str()), so text comparisons hold.
    return str(due.astimezone(dt.UTC).replace(tzinfo=None))


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created handler: give every new SQLite connection the calendar-day function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 3, add_local_days, deterministic=True)


class AddLocalDays(Func):
    """`start` + `days` calendar days in the local zone `zone` (default: settings.TIME_ZONE)."""

    output_field = DateTimeField()

    def __init__(self, start: Expression | F, days: int, zone: str | None = None) -> None:
        self.days = int(days)
        self.zone = zone or settings.TIME_ZONE
        super().__init__(start)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[str | int, ...]]:
        raise NotSupportedError(f"AddLocalDays needs PostgreSQL or SQLite, not {connection.vendor}")

    def as_sqlite(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, Any]:
        start, params = compiler.compile(self.source_expressions[0])
        return f"{SQLITE_FUNCTION}({start}, %s, %s)", (*params, self.days, self.zone)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        start, start_params = compiler.compile(self.source_expressions[0])
        zone = self.zone
        # Each fragment carries its own parameters, so the start expression can appear more than once.
        local = (f"((({start}) AT TIME ZONE %s) + make_interval(days => %s))", [*start_params, zone, self.days])
        later = (f"({local[0]} AT TIME ZONE %s)", [*local[1], zone])  # PostgreSQL's reading
        day_before = (f"({later[0]} - interval '1 day')", later[1])
        # The offset a day earlier minus the offset then: one hour just after the autumn change in London.
        shift = (
            f"((({day_before[0]} AT TIME ZONE %s) - ({day_before[0]} AT TIME ZONE 'UTC'))"
            f" - (({later[0]} AT TIME ZONE %s) - ({later[0]} AT TIME ZONE 'UTC')))",
            [*day_before[1], zone, *day_before[1], *later[1], zone, *later[1]],
        )
        earlier = (f"({later[0]} - {shift[0]})", [*later[1], *shift[1]])
        # The earlier instant when it reads as the same local time (the repeated hour), else PostgreSQL's.
        sql = (
            f"CASE WHEN {shift[0]} > interval '0' AND ({earlier[0]} AT TIME ZONE %s) = {local[0]}"
            f" THEN {earlier[0]} ELSE {later[0]} END"
        )
        params = [*shift[1], *earlier[1], zone, *local[1], *earlier[1], *later[1]]
        return sql, params


def due_expression(target: Target, start: str) -> Expression:
    """The due time of `target` for a clock started at the datetime field `start`, as SQL."""
    if target.unit == "hours":
        return ExpressionWrapper(
            F(start) + Value(dt.timedelta(hours=target.value), output_field=DurationField()),
            output_field=DateTimeField(),
        )
    return AddLocalDays(F(start), target.value)


class ClockResult(Func):
    """A clock's result from when it stopped and when it was due, each worked out once per row.

    met: stopped at or before due; breach: stopped later, or not stopped and due before `now`; else
    pending. Written as one CASE, the stop (a subquery for the MRI clocks) and the due time (the long
    calendar-day expression) would be computed for each comparison that reads them: on PostgreSQL the
    two are computed once in a one-row derived table and the CASE reads its columns. Other databases
    get the plain CASE (same result)."""

    output_field = CharField()

    def __init__(self, stopped: Expression | F, due: Expression | F, now: dt.datetime, labels: tuple[str, str, str]):
        self.now = now
        self.labels = labels  # met, breach, pending
        super().__init__(stopped, due)

    def _case(self) -> Case:
        stopped, due = self.source_expressions
        met, breach, pending = self.labels
        return Case(
            When(LessThanOrEqual(stopped, due), then=Value(met)),
            When(IsNull(stopped, False), then=Value(breach)),
            When(LessThan(due, Value(self.now, output_field=DateTimeField())), then=Value(breach)),
            default=Value(pending),
            output_field=CharField(),
        )

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, Any]:
        return compiler.compile(self._case())

    def as_postgresql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any) -> tuple[str, Any]:
        stopped, stopped_params = compiler.compile(self.source_expressions[0])
        due, due_params = compiler.compile(self.source_expressions[1])
        met, breach, pending = self.labels
        # Compiled expressions only; every value is a parameter.
        one_row = f"(SELECT ({stopped})::timestamptz AS stopped, ({due})::timestamptz AS due) clock"
        case = (
            "CASE WHEN clock.stopped <= clock.due THEN %s WHEN clock.stopped IS NOT NULL THEN %s"
            " WHEN clock.due < %s THEN %s ELSE %s END"
        )
        sql = f"(SELECT {case} FROM {one_row})"  # noqa: S608
        return sql, (met, breach, self.now, breach, pending, *stopped_params, *due_params)
