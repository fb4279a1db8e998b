"""PostgreSQL-only behaviour the pages rely on at regional size: JIT off, and indexes the planner can use.

Each test runs where the behaviour exists (CI runs the suite on PostgreSQL); on SQLite there is
no JIT and no operator class, so they are skipped there.
"""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from cases.models import Patient
from cases.selectors import CLOCK_STARTS, late_clock_cases

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL behaviour")


def plan(queryset) -> str:
    """EXPLAIN with sequential scans priced out, so a usable index is chosen even on a tiny table."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only
@pytest.mark.django_db
def test_the_apps_connections_run_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("smi", "patient_family_search_idx"),
        ("smi", "patient_given_search_idx"),
        ("sc0001234", "patient_mrn_upper_pattern_idx"),
    ],
)
def test_patient_search_is_served_by_an_index_whatever_the_collation(query, index):
    assert index in plan(Patient.objects.search(query))


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize("key", list(CLOCK_STARTS))
def test_the_late_clock_worklist_reads_the_open_cases_index(key):
    index = "case_open_rt_idx" if key.startswith("rt_") else "case_open_clock_start_idx"
    assert index in plan(late_clock_cases(key, timezone.now() + dt.timedelta(days=1))[:35])
