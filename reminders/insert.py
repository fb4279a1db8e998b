"""A Selection's new reminders made by the database in one INSERT ... SELECT (used by reminders.sweep.create).

The kinds at volume (reminders.kinds.base.Selection) describe their new rows as a queryset of
subjects and the values of each row; here that becomes one statement, so a sweep reads the subjects
once and writes the rows without loading them into Python:

    WITH subject AS MATERIALIZED (<the subjects' queryset, compiled by Django>)  -- PostgreSQL
    INSERT INTO reminders_reminder (kind, level, scan_id, ..., recipient_id, dedupe_key)
    SELECT subject.v_kind, subject.v_level, subject.v_scan, ..., <recipient>, <the key's parts joined>
    FROM subject  -- on SQLite: FROM (<the subjects' queryset>) subject
         [CROSS JOIN (<the team's queryset: active members in the roles; or the last-resort users>) team]
    WHERE 1 = 1 [AND (SELECT <the case> WHERE <its patient's death is recorded> LIMIT 1) IS NULL]
    ON CONFLICT (dedupe_key) DO NOTHING

The subjects are found first (the materialised CTE is planned on its own), and only then is each
one's patient looked up, one index lookup per subject found (a scalar subquery, which PostgreSQL
never turns into a join). Asked as part of the subjects (`alive`: NOT EXISTS), the planner made it
an anti join that hashed every case of every patient who has died, at every idle sweep: 38 ms a
level at size L with a realistic share of deaths, growing with the record. Now it is one lookup per
subject with no reminder yet: the ones due, and those of patients who died (at size L, 1,194 MRIs of
theirs never reviewed: 4 ms a level). The rule is `dead`'s, the same as `alive`'s.

The subjects' queryset carries every value that is the subject's (the columns, the key's parts),
compiled by Django as it would run it (Value, F, duration arithmetic, on either database); the
statement around it adds only the recipient and joins the key's text (CAST ... AS TEXT and ||, the
same on PostgreSQL and SQLite). `WHERE 1 = 1`: SQLite would read ON CONFLICT straight after a
FROM as a join's ON.
"""

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F, Field, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from reminders.kinds.base import RECIPIENT, Selection, dead, team
from reminders.models import Reminder


def insert(selection: Selection, now: dt.datetime) -> int:
    """Make a Selection's rows in the database, in one statement (the module's docstring); returns how many."""
    qn = connection.ops.quote_name
    fields = {field.name: field for field in Reminder._meta.concrete_fields}
    values = {"kind": selection.kind, "created_at": now, "updated_at": timezone.now(), **selection.values}
    if selection.case:
        values["case"] = F(selection.case)
    for name, model_field in fields.items():  # the other NOT NULL fields: their defaults (status, claims, "")
        if name not in values and not model_field.null and name not in ("id", "recipient", "dedupe_key"):
            values[name] = model_field.get_default()
    columns = {f"v_{name}": as_expression(value, fields[name]) for name, value in values.items()}
    parts = {f"k_{n}": part for n, part in enumerate(selection.key) if hasattr(part, "resolve_expression")}

    subjects = selection.subjects.order_by()
    if selection.recipient:
        subjects = subjects.filter(**{f"{selection.recipient}__isnull": False})
        columns["v_recipient_id"] = F(selection.recipient)
        recipient, team_sql, team_params = f"subject.{qn('v_recipient_id')}", "", ()
    else:
        members, team_params = sql_of(recipients_of(selection))
        recipient, team_sql = f"team.{qn('v_recipient_id')}", f" CROSS JOIN ({members}) team"
    try:
        subjects_sql, subjects_params = sql_of(subjects.values(**columns, **parts))
    except EmptyResultSet:  # a queryset that can match nothing (an empty __in): nothing to make
        return 0

    living, living_params = living_only() if selection.case else ("", ())
    key, key_params = joined(selection.key, recipient)
    into = [qn(fields[name].column or name) for name in values] + [qn("recipient_id"), qn("dedupe_key")]
    select = [f"subject.{qn(alias)}" for alias in columns if alias != "v_recipient_id"] + [recipient, key]
    if connection.vendor == "postgresql":
        head, source = f"WITH subject AS MATERIALIZED ({subjects_sql}) ", "subject"
        params = [*subjects_params, *key_params, *team_params, *living_params]
    else:  # SQLite: Python's sqlite3 counts the rows of a statement that starts with INSERT only
        head, source = "", f"({subjects_sql}) subject"
        params = [*key_params, *subjects_params, *team_params, *living_params]
    sql = (
        f"{head}INSERT INTO {qn(Reminder._meta.db_table)} ({', '.join(into)}) "  # noqa: S608 - quoted names only
        f"SELECT {', '.join(select)} FROM {source}{team_sql} "
        f"WHERE 1 = 1{living} ON CONFLICT ({qn('dedupe_key')}) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def recipients_of(selection: Selection) -> QuerySet[Any]:
    """The users a Selection to roles goes to, as v_recipient_id: the team in its roles, or, once
    `Run.addressed` has found nobody in them, the last-resort users it named."""
    if selection.users:
        users = get_user_model()._default_manager.filter(pk__in=selection.users)
        return users.order_by().values(v_recipient_id=F("pk"))
    return team(*selection.roles).order_by().values(v_recipient_id=F("user_id"))


def living_only() -> tuple[str, tuple[Any, ...]]:
    """The clause that keeps the subjects about a living patient: `dead` asked of each subject's case."""
    qn = connection.ops.quote_name
    died = dead(RawSQL(f"subject.{qn('v_case')}", ())).order_by().values("pk")[:1]  # noqa: S611 - an alias
    died_sql, params = sql_of(died)
    return f" AND ({died_sql}) IS NULL", params


def joined(key: tuple[Any, ...], recipient: str) -> tuple[str, list[str]]:
    """A Selection's dedupe key as SQL text: its text as parameters, the subject's parts (selected as
    k_<position>) and the recipient cast to text, joined with ||."""
    qn = connection.ops.quote_name
    sql, params = [], []
    for n, part in enumerate(key):
        if part is RECIPIENT:
            sql.append(f"CAST({recipient} AS TEXT)")
        elif hasattr(part, "resolve_expression"):
            sql.append(f"CAST(subject.{qn(f'k_{n}')} AS TEXT)")
        else:
            sql.append("%s")
            params.append(str(part))
    return " || ".join(sql), params


def as_expression(value: Any, model_field: "Field[Any, Any]") -> Any:
    """A plain value as a parameter prepared as the Reminder field would prepare it (a datetime on SQLite)."""
    return value if hasattr(value, "resolve_expression") else Value(value, output_field=model_field)


def sql_of(queryset: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    """The SELECT Django would run for `queryset`, with its parameters."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)
