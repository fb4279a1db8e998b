"""On PostgreSQL no history table can be emptied with TRUNCATE, as none can be updated or deleted from."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, connection, transaction

from accounts.roles import COORDINATOR
from mdt.models import Member
from tests.factories import team_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's (CI runs them)"),
]

HISTORY_TABLES = sorted(m._meta.db_table for m in apps.get_models() if m.__name__.startswith("Historical"))


@pytest.mark.parametrize("table", HISTORY_TABLES)
def test_truncate_on_a_history_table_is_refused(table):
    # No rows written first: a TRUNCATE in a transaction with pending foreign-key checks fails for that
    # reason instead, and the trigger refuses the statement whether the table holds rows or not.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL history_guard.allow_truncate = 'off'")  # as a production connection
        cursor.execute(f'TRUNCATE "{table}" CASCADE')


NEW_TABLES = [t for t in HISTORY_TABLES if t.startswith("accounts_") or t in ("mdt_historicalmember",)]


@pytest.mark.parametrize("table", NEW_TABLES)
def test_the_new_history_tables_refuse_update_and_delete(table):
    user = team_user("oncologist", Member.Role.ONCOLOGIST)  # a user, a member, their groups: a row in each
    user.user_permissions.add(Permission.objects.get(codename="view_patient"))
    Group.objects.get(name=COORDINATOR).permissions.remove(*Permission.objects.filter(codename="view_case"))

    statements = (f'UPDATE "{table}" SET history_id = history_id', f'DELETE FROM "{table}"')  # noqa: S608
    for statement in statements:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(statement)


@pytest.mark.hazard("HAZ-005")
@pytest.mark.parametrize("table", HISTORY_TABLES)
def test_every_history_table_refuses_update_and_delete(table):
    # The trigger itself, for every app's history (a new app's migrations must add it: core/history_guard.py).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [f'"{table}"']
        )
        triggers = {row[0] for row in cursor.fetchall()}
    assert f"{table}_append_only" in triggers
