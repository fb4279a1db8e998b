"""The kinds whose rows the database makes (one INSERT ... SELECT each, reminders.sweep.insert) make exactly
the rows the Python derivation made before them: same recipients, levels, subjects, due times and dedupe
keys, nothing about a patient who died, nothing twice; and a sweep with many reminders falling due runs
as many statements as one with a few."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.choices import Modality
from cases.models import Case, Patient, Scan
from mdt.models import Meeting, Member, SignOff
from referrals.models import Advice
from reminders.kinds import KINDS, Run
from reminders.kinds.base import RECIPIENT, Selection
from reminders.models import Reminder
from reminders.sweep import derive, insert, sweep, without_the_dead
from tests.factories import (
    DAY,
    HOUR,
    ScanFactory,
    decision_awaiting,
    meeting,
    performed_scan,
    team_user,
)
from tests.referrals import makers
from tests.reminders.conftest import team_member

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 6, 10, 9, 30))
FIELDS = [field.attname for field in Reminder._meta.concrete_fields if field.name not in ("id", "updated_at")]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


# --------------------------------------------------------------------------- the reference
# The Python derivation of these kinds before the database made their rows, kept as the reference
# the set-based statements are held to.


def python_review(run: Run) -> Iterator[Reminder]:
    step = dt.timedelta(hours=settings.REMINDER_MRI_REVIEW_HOURS)
    for level in (0, 1, 2):
        reminded = Reminder.objects.filter(scan=OuterRef("pk"), kind="mri_review", level=level)
        scans = list(
            Scan.objects.pending_review()
            .filter(performed_at__lte=run.now - step * (level + 1))
            .filter(~Exists(reminded))
            .values_list("pk", "case_id", "performed_at")
        )
        cases = Case.objects.filter(pk__in={case_id for _, case_id, _ in scans}, responsible_clinician__is_active=True)
        clinicians = dict(cases.values_list("pk", "responsible_clinician_id"))
        for scan_id, case_id, performed_at in scans:
            if level == 0:
                recipients = run.users_with_roles(Member.Role.RADIOLOGIST)
            elif level == 1:
                recipients = [clinicians[case_id]] if case_id in clinicians else []
            else:
                recipients = run.users_with_roles(Member.Role.MSCC_COORDINATOR)
            for user_id in recipients:
                yield run.new(
                    "mri_review",
                    recipient_id=user_id,
                    due_at=performed_at + step * (level + 1),
                    key=f"mri-review:{scan_id}:{user_id}:{level}",
                    level=level,
                    scan_id=scan_id,
                    case_id=case_id,
                )


def python_agenda(run: Run) -> Iterator[Reminder]:
    before = dt.timedelta(hours=settings.REMINDER_AGENDA_HOURS_BEFORE)
    reminded = Reminder.objects.filter(meeting=OuterRef("pk"), kind="meeting_agenda")
    meetings = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, starts_at__gt=run.now, starts_at__lte=run.now + before
    ).filter(~Exists(reminded))
    for meeting_id, starts_at in meetings.values_list("pk", "starts_at"):
        for user_id in run.users_with_roles(*Member.Role.values):
            yield run.new(
                "meeting_agenda",
                recipient_id=user_id,
                due_at=starts_at - before,
                key=f"meeting-agenda:{meeting_id}:{user_id}",
                meeting_id=meeting_id,
            )


def python_sign_off(run: Run) -> Iterator[Reminder]:
    after = dt.timedelta(hours=settings.REMINDER_SIGNOFF_HOURS)
    reminded = Reminder.objects.filter(sign_off=OuterRef("pk"), kind="decision_not_signed")
    sign_offs = SignOff.objects.filter(
        KINDS["decision_not_signed"].open_subject(run.now),
        decision__decided_at__lte=run.now - after,
        member__active=True,
        member__user__is_active=True,
    ).filter(~Exists(reminded))
    rows = sign_offs.values_list("pk", "decision_id", "decision__case_id", "decision__decided_at", "member__user_id")
    for sign_off_id, decision_id, case_id, decided_at, user_id in rows:
        yield run.new(
            "decision_not_signed",
            recipient_id=user_id,
            due_at=decided_at + after,
            key=f"decision-not-signed:{sign_off_id}:{user_id}",
            sign_off_id=sign_off_id,
            decision_id=decision_id,
            case_id=case_id,
        )


def python_advice(run: Run) -> Iterator[Reminder]:
    reminded = Reminder.objects.filter(referral_advice=OuterRef("pk"), kind="referral_advice")
    rows = (
        Advice.objects.filter(referral__referrer__isnull=False, referral__referrer__is_active=True)
        .filter(given_at__lte=run.now)
        .filter(~Exists(reminded))
        .values_list("pk", "referral_id", "referral__referrer_id", "given_at")
    )
    for advice_id, referral_id, user_id, given_at in rows:
        yield run.new(
            "referral_advice",
            recipient_id=user_id,
            due_at=given_at,
            key=f"referral-advice:{advice_id}:{user_id}",
            referral_id=referral_id,
            referral_advice_id=advice_id,
        )


REFERENCE = {
    "mri_review": python_review,
    "meeting_agenda": python_agenda,
    "decision_not_signed": python_sign_off,
    "referral_advice": python_advice,
}


def as_rows(reminders: Any) -> set[tuple[Any, ...]]:
    return {tuple(getattr(reminder, name) for name in FIELDS) for reminder in reminders}


def dead(case: Case) -> None:
    Patient.objects.filter(pk=case.patient_id).update(died_on=timezone.localdate())


@pytest.fixture
def mixed(team) -> dict[str, Any]:
    """Several radiologists and MSCC coordinators, a radiologist who left the team and one whose account is
    closed; MRIs at every escalation level, one whose case has no clinician, one whose clinician's account is
    closed, one about a patient who died, one already reminded of; a meeting, sign-offs and an advice."""
    second_mscc = team_user("mscc2", Member.Role.MSCC_COORDINATOR)  # with the permissions: gives the advice
    left = team_member("rad3", Member.Role.RADIOLOGIST)
    Member.objects.filter(user=left).update(active=False)
    closed = team_member("rad4", Member.Role.RADIOLOGIST)
    closed.is_active = False
    closed.save()
    gone = team_member("onc2", Member.Role.ONCOLOGIST)

    every_level = performed_scan(80 * HOUR, responsible_clinician=team["oncologist"])
    performed_scan(50 * HOUR, responsible_clinician=None)
    performed_scan(50 * HOUR, responsible_clinician=gone)
    gone.is_active = False  # the clinician's account closed since
    gone.save()
    dead(performed_scan(80 * HOUR, responsible_clinician=team["oncologist"]).case)
    reminded = performed_scan(30 * HOUR)
    performed_scan(10 * HOUR)  # not yet
    ScanFactory(modality=Modality.CT, performed_at=NOW - 3 * DAY, requested_at=NOW - 4 * DAY)
    Reminder.objects.create(  # a row made before, as the Python derivation made it
        kind="mri_review",
        recipient=team["radiologist"],
        scan=reminded,
        case=reminded.case,
        due_at=reminded.performed_at + 24 * HOUR,
        dedupe_key=f"mri-review:{reminded.pk}:{team['radiologist'].pk}:0",
        created_at=NOW - HOUR,
    )

    meeting(NOW + 20 * HOUR)
    decision_awaiting([team["oncologist"], left, team["radiologist2"]], NOW - 30 * HOUR)
    dead(decision_awaiting([team["oncologist"]], NOW - 30 * HOUR).case)
    referrer = makers.referrer_user("rpugh")
    makers.advised(makers.submitted(referrer), by=second_mscc)
    return {"every_level": every_level, "reminded": reminded}


@pytest.mark.hazard("HAZ-003", "HAZ-031")
def test_the_database_makes_exactly_the_rows_the_python_derivation_made(mixed, team):
    run = Run(timezone.now())
    expected = {kind: as_rows(without_the_dead(list(derivation(run)))) for kind, derivation in REFERENCE.items()}
    before = Reminder.objects.count()

    derive(timezone.now())

    # The sign-off of a signer who left is passed to the coordinators by rows made in Python (HAZ-175).
    by_the_database = Reminder.objects.exclude(
        Q(kind="decision_not_signed") & ~Q(recipient=F("sign_off__member__user"))
    )
    for kind, rows in expected.items():
        assert as_rows(by_the_database.filter(kind=kind, created_at=NOW)) == rows, kind
    scan = mixed["every_level"]
    assert {
        (key, user) for key, user in Reminder.objects.filter(scan=scan).values_list("dedupe_key", "recipient__username")
    } == {
        (f"mri-review:{scan.pk}:{team['radiologist'].pk}:0", "rad1"),
        (f"mri-review:{scan.pk}:{team['radiologist2'].pk}:0", "rad2"),
        (f"mri-review:{scan.pk}:{team['oncologist'].pk}:1", "onc"),
        (f"mri-review:{scan.pk}:{team['mscc'].pk}:2", "mscc"),
        (f"mri-review:{scan.pk}:{Member.objects.get(user__username='mscc2').user_id}:2", "mscc2"),
    }
    # 5 for the MRI at every level, 2 each for the two MRIs at level 0 only, none for the dead patient's
    # nor the one already reminded of; the agenda to the 6 active members; 2 sign-offs and the radiologist
    # who left's passed to the MDT coordinator; the advice.
    made = Reminder.objects.count() - before
    review = Reminder.objects.filter(kind="mri_review", created_at=NOW).count()
    assert review == 5 + 2 + 2
    assert Reminder.objects.filter(scan=mixed["reminded"]).count() == 1
    assert Reminder.objects.filter(kind="meeting_agenda").count() == 6
    sign_offs = Reminder.objects.filter(kind="decision_not_signed")
    assert sorted(sign_offs.values_list("recipient__username", flat=True)) == ["coord", "onc", "rad2"]
    assert Reminder.objects.filter(kind="referral_advice", recipient__username="rpugh").count() == 1

    assert derive(timezone.now()) == 0  # a second sweep makes nothing
    assert Reminder.objects.count() - before == made


@pytest.mark.hazard("HAZ-031")
def test_a_row_made_in_python_and_the_same_row_made_by_the_database_are_one_row(team):
    """Rows made before this change (or by a Python kind, or by a sweep running at the same time) have the
    same dedupe key as the database's: the INSERT skips them, and fails on none of them."""
    scan = performed_scan(30 * HOUR)
    run = Run(timezone.now())
    first = [row for row in python_review(run) if row.recipient_id == team["radiologist"].pk]
    Reminder.objects.bulk_create(first)
    # The same subjects without the "no reminder yet" anti-join: as a concurrent sweep sees them.
    everyone = Selection(
        "mri_review",
        Scan.objects.pending_review(),
        {"scan": F("pk"), "due_at": F("performed_at") + 24 * HOUR},
        ("mri-review:", F("pk"), ":", RECIPIENT, ":0"),
        case="case",
        roles=(Member.Role.RADIOLOGIST,),
    )

    assert insert(everyone, run.now) == 1  # the second radiologist's
    assert insert(everyone, run.now) == 0

    assert sorted(Reminder.objects.filter(scan=scan).values_list("recipient__username", flat=True)) == ["rad1", "rad2"]


@pytest.mark.hazard("HAZ-009")
def test_no_row_the_database_makes_is_about_a_patient_who_died(team):
    scan = performed_scan(80 * HOUR, responsible_clinician=team["oncologist"])
    decision = decision_awaiting([team["oncologist"]], NOW - 30 * HOUR, case=scan.case)
    dead(scan.case)

    derive(timezone.now())
    derive(timezone.now() + 3 * DAY)

    assert not Reminder.objects.filter(case=scan.case).exists()
    assert not Reminder.objects.filter(decision=decision).exists()


def statements_of_a_sweep() -> tuple[int, int]:
    """(statements, rows claimed) of one sweep; the claimed batches are not published (the test's
    transaction never commits)."""
    with CaptureQueriesContext(connection) as queries:
        report = sweep()
    return len(queries), report.claimed


def test_a_sweep_with_many_reminders_falling_due_runs_as_many_statements_as_one_with_a_few(team, settings):
    """Making the rows is one statement per kind and level, and claiming them one batch's statements,
    whatever the number of rows (below the batch size and ANALYZE_AFTER here)."""
    settings.REMINDER_BATCH_SIZE = 500
    sweep()  # the first sweep also creates its PeriodicRun row
    for clinician in (team["oncologist"], None):
        performed_scan(80 * HOUR, responsible_clinician=clinician)
    few, claimed = statements_of_a_sweep()
    assert claimed == 4 + 3

    Reminder.objects.all().delete()
    for n in range(30):
        performed_scan(80 * HOUR, responsible_clinician=team["oncologist"] if n % 2 else None)
    many, claimed = statements_of_a_sweep()

    assert claimed == (4 + 3) + 15 * 4 + 15 * 3
    assert many == few
