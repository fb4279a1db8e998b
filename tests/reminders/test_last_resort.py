"""A reminder whose every recipient role is empty goes to the last resort (REMINDER_LAST_RESORT_USERNAMES), once,
saying why; with anyone in the roles, the last resort hears nothing (HAZ-021)."""

import datetime as dt
import logging

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from cases.choices import Presentation
from cases.models import Patient
from mdt.models import Member
from reminders.checks import last_resort_accounts_exist, last_resort_named
from reminders.models import Reminder
from reminders.sweep import derive, sweep
from tests.factories import (
    DAY,
    HOUR,
    CaseFactory,
    ScanFactory,
    UserFactory,
    decision_awaiting,
    follow_up,
    listed_item,
    meeting,
)
from tests.factories import performed_scan as performed_mri
from tests.referrals import makers
from tests.reminders.conftest import sent_per_reminder

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-021")]

NOW = timezone.make_aware(dt.datetime(2026, 6, 10, 9, 30))
LEAD = "mdt-lead"
MSCC, MDT = "mscc_coordinator", "mdt_coordinator"
EVERY_ROLE = ",".join(Member.Role.values)

# Each kind that falls back to roles: (level, the roles nobody held) of what the last resort gets.
EXPECTED = {
    Reminder.Kind.MRI_REVIEW: {(0, "radiologist"), (2, MSCC)},  # level 1 (the clinician) is skipped without one
    Reminder.Kind.MRI_NOT_PERFORMED: {(0, MSCC)},
    Reminder.Kind.FOLLOW_UP_DUE_SOON: {(0, MDT)},
    Reminder.Kind.FOLLOW_UP_OVERDUE: {(0, MDT)},
    Reminder.Kind.MEETING_AGENDA: {(0, EVERY_ROLE)},
    Reminder.Kind.OUTCOME_NOT_RECORDED: {(0, MDT)},
    Reminder.Kind.STEROIDS_ACTIVE: {(0, MSCC)},
    Reminder.Kind.REFERRAL_NEW: {(0, f"{MSCC},{MDT}")},
    Reminder.Kind.DECISION_NOT_SIGNED: {(0, MDT)},  # the signer has left (HAZ-175)
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def lead(settings):
    """The last resort: an account with no team role; a name with no account beside it is skipped."""
    settings.REMINDER_LAST_RESORT_USERNAMES = [LEAD, "nobody-by-this-name"]
    return UserFactory(username=LEAD, email="lead@example.org")


@pytest.fixture
def subjects(team):
    """A subject of every kind that falls back to roles, with nobody named on it: the oncologist (owner of the
    follow-ups) has left, the meeting has no chair, the cases no responsible clinician."""
    Member.objects.filter(user=team["oncologist"]).update(active=False)
    now, today = timezone.now(), timezone.localdate()
    performed_mri(80 * HOUR, responsible_clinician=None)
    late = CaseFactory(presentation=Presentation.SUSPECTED_MSCC, suspected_diagnosis_at=now - 19 * HOUR)
    ScanFactory(case=late, requested_at=now - 18 * HOUR)
    follow_up(team["oncologist"], today + dt.timedelta(days=1))
    follow_up(team["oncologist"], today - dt.timedelta(days=2))
    meeting(now + 20 * HOUR)
    listed_item(meeting(now - 30 * HOUR))
    started = now - 8 * DAY
    CaseFactory(
        responsible_clinician=None,
        steroids_started_at=started - 2 * DAY,
        decision_to_treat_at=started - DAY,
        treatment_modality="radiotherapy",
        treatment_start_at=started,
    )
    makers.submitted(makers.referrer_user("referrer", makers.organisation()))
    decision_awaiting([team["oncologist"]], now - 2 * DAY)
    return team


def nobody_in_any_role() -> None:
    Member.objects.update(active=False)


def made(kind: str) -> set[tuple[str, int, str]]:
    rows = Reminder.objects.filter(kind=kind).values_list("recipient__username", "level", "last_resort_for")
    return set(rows)


def sweep_twice(django_capture_on_commit_callbacks) -> None:
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep()


@pytest.mark.hazard("HAZ-175")  # the sign-off of a signer who left, with no MDT coordinator either
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_with_every_role_empty_the_reminder_reaches_the_last_resort_once_across_two_sweeps(
    subjects, lead, eager, kind, django_capture_on_commit_callbacks
):
    nobody_in_any_role()

    sweep_twice(django_capture_on_commit_callbacks)

    assert made(kind) == {(LEAD, level, roles) for level, roles in EXPECTED[kind]}
    ids = set(Reminder.objects.filter(kind=kind).values_list("pk", flat=True))
    assert {pk: times for pk, times in sent_per_reminder().items() if pk in ids} == dict.fromkeys(ids, 1)
    emails = [m for m in mail.outbox if int(m.extra_headers["X-MDT-Reminder"]) in ids]
    assert len(emails) == len(EXPECTED[kind]) and all(m.to == ["lead@example.org"] for m in emails)
    for email in emails:
        assert email.subject.startswith("[Spinal MDT] Last resort: ")
        assert "Sent to you as the last resort, because nobody holds " in email.body
        assert "make sure someone holds the role" in email.body
        assert "Sent to you as the last resort" in email.alternatives[0][0]


def test_the_email_names_the_roles_nobody_holds(subjects, lead, eager, django_capture_on_commit_callbacks):
    nobody_in_any_role()

    sweep_twice(django_capture_on_commit_callbacks)

    bodies = {m.extra_headers["X-MDT-Reminder"]: m.body for m in mail.outbox}
    said = {kind: bodies[str(Reminder.objects.filter(kind=kind).first().pk)] for kind in EXPECTED}
    assert "nobody holds the role of MSCC coordinator in" in said[Reminder.Kind.STEROIDS_ACTIVE]
    assert "nobody holds any of the roles MSCC coordinator or MDT coordinator in" in said[Reminder.Kind.REFERRAL_NEW]
    assert "nobody holds any role in the team in" in said[Reminder.Kind.MEETING_AGENDA]


def test_with_the_roles_held_the_last_resort_gets_nothing(subjects, lead):
    """Only the oncologist has left: every fallback role has someone, and the reminders go to them."""
    derive(timezone.now())
    derive(timezone.now())

    assert set(EXPECTED) <= set(Reminder.objects.values_list("kind", flat=True))
    assert not Reminder.objects.filter(recipient=lead).exists()
    assert not Reminder.objects.exclude(last_resort_for="").exists()


def test_only_the_empty_role_goes_to_the_last_resort(subjects, lead):
    """No radiologist: the MRI's first level goes to the last resort; its last level to the MSCC coordinator."""
    Member.objects.filter(role=Member.Role.RADIOLOGIST).update(active=False)

    derive(timezone.now())

    assert made(Reminder.Kind.MRI_REVIEW) == {(LEAD, 0, "radiologist"), ("mscc", 2, "")}


def test_an_inactive_last_resort_account_is_skipped(subjects, lead, settings):
    lead.is_active = False
    lead.save()
    UserFactory(username="deputy", email="deputy@example.org")
    settings.REMINDER_LAST_RESORT_USERNAMES = [LEAD, "deputy"]
    nobody_in_any_role()

    derive(timezone.now())

    recipients = Reminder.objects.filter(kind__in=list(EXPECTED)).values_list("recipient__username", flat=True)
    assert set(recipients) == {"deputy"}


@pytest.mark.parametrize("names", [[], [LEAD]])
def test_with_no_active_last_resort_nothing_is_made_for_nobody_and_a_log_line_says_so(
    subjects, names, settings, caplog, lead
):
    settings.REMINDER_LAST_RESORT_USERNAMES = names
    lead.is_active = False
    lead.save()
    nobody_in_any_role()

    with caplog.at_level(logging.INFO, logger="reminders"):
        derive(timezone.now())

    assert not Reminder.objects.filter(kind__in=list(EXPECTED)).exists()
    assert "reminder last resort: nobody holds roles=radiologist and nobody active is named" in caplog.text
    assert not [mrn for mrn in Patient.objects.values_list("mrn", flat=True) if mrn in caplog.text]


# --------------------------------------------------------------------------- the checks


def test_the_check_warns_when_nobody_is_named_with_debug_off(settings):
    settings.REMINDER_LAST_RESORT_USERNAMES = []
    settings.DEBUG = False
    assert [warning.id for warning in last_resort_named()] == ["reminders.W001"]
    assert "REMINDER_LAST_RESORT_USERNAMES" in last_resort_named()[0].msg

    settings.DEBUG = True
    assert last_resort_named() == []
    settings.DEBUG = False
    settings.REMINDER_LAST_RESORT_USERNAMES = [LEAD]
    assert last_resort_named() == []


def test_the_database_check_names_a_username_with_no_account(lead, settings):
    settings.REMINDER_LAST_RESORT_USERNAMES = [LEAD, "mdt-laed"]

    errors = last_resort_accounts_exist(databases=["default"])

    assert [error.id for error in errors] == ["reminders.E001"]
    assert errors[0].msg.startswith("REMINDER_LAST_RESORT_USERNAMES names mdt-laed, which no account has")
    assert last_resort_accounts_exist(databases=None) == []  # a plain `check` reads no database
    settings.REMINDER_LAST_RESORT_USERNAMES = [LEAD]
    assert last_resort_accounts_exist(databases=["default"]) == []
