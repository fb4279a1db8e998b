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


@postgresql_only
@pytest.mark.django_db
def test_the_patients_whose_death_is_recorded_are_read_by_their_own_index():
    # "About a living patient" (every reminder kind's still_open, "My reminders", the sweep) looks up the few
    # patients whose death is recorded: from patient_died_idx, not by reading every patient (at 100,000
    # patients the full read was 7 ms of each dashboard).
    assert "patient_died_idx" in plan(Patient.objects.filter(died_on__isnull=False).values("pk"))


@postgresql_only
@pytest.mark.django_db
def test_the_possible_duplicates_at_registration_are_read_by_the_date_of_birth_index():
    # cases.duplicates: the patients born that day, a few among 100,000, never a read of every patient.
    from cases.duplicates import candidates

    new = Patient(family_name="Griffiths", date_of_birth=dt.date(1950, 1, 1), nhs_number="9434765919")
    assert "patient_birth_date_idx" in plan(candidates(new))


@postgresql_only
@pytest.mark.django_db
def test_the_mris_reported_since_the_last_meeting_are_read_by_their_own_index():
    from cases.choices import MRI_MODALITIES
    from cases.models import Scan

    # The coordinator's agenda candidates ("new MRI report since the last meeting", mdt.candidates): at a
    # million scans a full read was 90 ms of each agenda page when the last meeting was recent.
    since = timezone.now() - dt.timedelta(hours=1)
    reported = Scan.objects.filter(modality__in=MRI_MODALITIES, reported_at__gte=since).values("case_id")
    assert "scan_mri_reported_idx" in plan(reported)


@postgresql_only
@pytest.mark.django_db
def test_the_items_still_waiting_for_an_outcome_are_read_by_their_own_index():
    from mdt.models import AgendaItem
    from reminders.kinds.meetings import outcome_open

    # The sweep's "outcome not recorded", every minute: the few items still listed, from agenda_item_listed_idx,
    # not a read of every agenda item ever discussed (8,000 at size L).
    assert "agenda_item_listed_idx" in plan(AgendaItem.objects.filter(outcome_open(timezone.now())).values("pk"))
