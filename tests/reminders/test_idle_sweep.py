"""The sweep with nothing new to do, as at almost every minute: its statements do not grow with the record."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Patient
from reminders.kinds.base import Run
from reminders.kinds.mri import derive_review
from reminders.models import Reminder
from reminders.sweep import cancel_resolved, derive, sweep
from tests.factories import HOUR, CaseFactory, ScanFactory, performed_scan

pytestmark = pytest.mark.django_db


def all_sent() -> None:
    """What the worker would have done with everything derived so far."""
    Reminder.objects.exclude(status=Reminder.Status.SENT).update(status=Reminder.Status.SENT, sent_at=timezone.now())


def idle_statements() -> int:
    with CaptureQueriesContext(connection) as queries:
        report = sweep()
    assert (report.derived, report.cancelled, report.claimed) == (0, 0, 0)
    return len(queries)


def test_an_idle_sweep_runs_the_same_statements_for_two_waiting_mris_as_for_six(team):
    """Every MRI waiting for review past all three levels, and every reminder of it sent: the sweep reads
    the waiting MRIs in one statement per level (an INSERT ... SELECT that makes nothing), whatever their
    number, those whose case has no responsible clinician included."""
    performed_scan(80 * HOUR, responsible_clinician=team["oncologist"])
    performed_scan(80 * HOUR, responsible_clinician=None)
    derive(timezone.now())
    all_sent()
    sweep()  # the first sweep also creates its PeriodicRun row
    few = idle_statements()

    for clinician in (team["oncologist"], None, None, None):
        performed_scan(80 * HOUR, responsible_clinician=clinician)
    derive(timezone.now())
    all_sent()

    assert idle_statements() == few


def test_the_cancel_step_reads_only_the_kinds_that_have_unsent_reminders(team):
    """Nothing unsent: one statement (which kinds have unsent rows), not three per kind over the outbox."""
    scan = performed_scan(30 * HOUR)
    derive(timezone.now())
    all_sent()

    with CaptureQueriesContext(connection) as queries:
        assert cancel_resolved(timezone.now()) == 0
    assert len(queries) == 1

    Reminder.objects.filter(scan=scan).update(status=Reminder.Status.PENDING, sent_at=None)  # one kind unsent
    scan.reviewed_at, scan.reviewed_by = timezone.now(), team["radiologist"]
    scan.save()
    with CaptureQueriesContext(connection) as queries:
        assert cancel_resolved(timezone.now()) == 2  # the review resolved both radiologists' reminders
    assert len(queries) == 4  # the kinds, the deaths, that kind's deleted subjects and resolved ones
    assert set(Reminder.objects.values_list("status", "status_reason")) == {("cancelled", "cancelled: resolved")}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
@pytest.mark.django_db(transaction=True)  # VACUUM runs outside a transaction
def test_an_idle_sweep_reads_the_waiting_mris_and_their_reminders_from_the_indexes_alone(team):
    """At regional size an idle sweep looks again, every minute, at thousands of MRIs already reminded of
    (waiting for review, or requested and not performed): each level's "no reminder yet" reads the MRIs
    from their partial index (scan_pending_review_idx, scan_mri_not_performed_idx) and the reminders from
    reminder_scan_idx (subject, kind, level), each an index-only scan: neither the scans table nor the
    outbox is read for them (at 960,000 scans the table reads were 6 ms a level, 14 ms for "not
    performed"). With the tables vacuumed, as autovacuum keeps them."""
    performed_scan(80 * HOUR, responsible_clinician=team["oncologist"])
    suspected = timezone.now() - 30 * HOUR  # suspected MSCC, MRI requested and not done: the clock is late
    ScanFactory(case=CaseFactory(suspected_diagnosis_at=suspected, referred_at=suspected), requested_at=suspected)
    derive(timezone.now())
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"mri_review", "mri_not_performed"}
    all_sent()
    sweep()
    with connection.cursor() as cursor:
        for table in ("cases_scan", "cases_case", "reminders_reminder"):
            cursor.execute(f"VACUUM ANALYZE {table}")

    with CaptureQueriesContext(connection) as queries:
        idle = sweep()

    assert (idle.derived, idle.cancelled, idle.claimed) == (0, 0, 0)
    reads = [query["sql"] for query in queries if '"cases_scan"' in query["sql"]]
    plans = [explained(sql) for sql in reads]
    assert len(plans) == 4  # the three review levels and "not performed"
    for plan in plans:
        assert read_alone("reminder_scan_idx", plan), plan
    review, not_performed = plans[:3], plans[3]
    assert all(read_alone("scan_pending_review_idx", plan) for plan in review), review
    assert read_alone("scan_mri_not_performed_idx", not_performed), not_performed


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans")
def test_an_idle_sweep_looks_up_the_patient_of_each_mri_found_and_never_reads_every_death(team):
    """A service holds many patients who have died, and MRIs of theirs never reviewed. Asked as part of
    the MRIs waiting for review, "the patient is alive" became an anti join that hashed every case of
    every patient who had died, at every sweep (38 ms a level at size L, growing with the record). Now
    the waiting MRIs with no reminder yet are found first (a materialised CTE), and the patient of each
    one found is looked up (a subplan on the CTE's rows): nothing is read for the dead when none is found.
    """
    performed_scan(80 * HOUR, responsible_clinician=team["oncologist"])
    for _ in range(3):
        dead = performed_scan(80 * HOUR, responsible_clinician=team["oncologist"])
        dead.case.patient.died_on = timezone.localdate()
        dead.case.patient.save()
    derive(timezone.now())
    assert not Reminder.objects.filter(case__patient__died_on__isnull=False).exists()
    all_sent()

    with CaptureQueriesContext(connection) as queries:
        idle = sweep()

    assert (idle.derived, idle.cancelled, idle.claimed) == (0, 0, 0)
    review = [explained(q["sql"]) for q in queries if "mri-review:" in q["sql"] and q["sql"].startswith("WITH")]
    assert len(review) == 3  # one INSERT ... SELECT per level
    for plan in review:
        death_check = plan[plan.index("CTE Scan on subject") :]
        assert "SubPlan" in death_check and "cases_patient_pkey" in death_check, plan
        assert "died_idx" not in plan and "Anti Join" not in death_check, plan


def read_alone(index: str, plan: str) -> bool:
    """The plan reads `index` in an index-only scan (in either direction)."""
    return re.search(rf"Index Only Scan (Backward )?using {index} ", plan) is not None


def explained(sql: str) -> str:
    """EXPLAIN of a statement as run, with table reads priced out so that the planner's choice on these
    tiny tables is the one it makes at size: the indexes if they can serve the statement."""
    with connection.cursor() as cursor:
        cursor.execute("BEGIN")
        try:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute(f"EXPLAIN {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("ROLLBACK")


@pytest.mark.hazard("HAZ-009")
def test_the_review_levels_never_read_the_mris_of_patients_who_died(team):
    """The MRIs of a patient who died are not subjects of any escalation level: the waiting scans' index
    holds only the living (Scan.patient_died, kept by the database), so the minute's sweep reads none of
    the thousands of MRIs of patients who died before a review, however many the record holds."""
    living = performed_scan(80 * HOUR, responsible_clinician=team["oncologist"])
    dead = performed_scan(80 * HOUR, responsible_clinician=team["oncologist"])
    Patient.objects.filter(pk=dead.case.patient_id).update(died_on=timezone.localdate())  # any path

    levels = [set(selection.subjects.values_list("pk", flat=True)) for selection in derive_review(Run(timezone.now()))]

    assert levels == [{living.pk}, {living.pk}, {living.pk}]
