"""/healthz reports the last reminder sweep and the reminders overdue and unsent."""

import datetime as dt
from dataclasses import replace

import pytest
from django.utils import timezone

from mdt.models import Member, PeriodicRun
from reminders.kinds import KINDS
from reminders.models import Reminder
from reminders.sweep import SWEEP_RUN, sweep
from tests.factories import HOUR, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def healthy(settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    now = timezone.now()
    PeriodicRun.objects.create(name="heartbeat", last_run_at=now)
    PeriodicRun.objects.create(name="print-heartbeat", last_run_at=now)
    return PeriodicRun.objects.create(name=SWEEP_RUN, last_run_at=now - dt.timedelta(seconds=20))


def reminder(team, n: int, **fields) -> Reminder:
    values = {
        "kind": Reminder.Kind.STEROIDS_ACTIVE,
        "recipient": team["oncologist"],
        "due_at": timezone.now() - HOUR,
        "dedupe_key": f"k{n}",
    }
    return Reminder.objects.create(**(values | fields))


def test_it_reports_the_last_sweep_and_no_overdue_reminders(client, healthy, team):
    reminder(team, 1, status=Reminder.Status.SENT, sent_at=timezone.now())
    reminder(team, 2, due_at=timezone.now() - dt.timedelta(minutes=1))  # due a minute ago: not overdue yet

    body = client.get("/healthz").json()

    assert body["status"] == "ok"
    assert body["last_reminder_sweep"] == healthy.last_run_at.isoformat()
    assert body["reminder_sweep"] == "ok"
    assert (body["overdue_reminders"], body["failed_reminders"]) == (0, 0)


def test_it_counts_overdue_unsent_reminders_and_says_degraded(client, healthy, team, settings):
    settings.REMINDER_OVERDUE_AFTER_SECONDS = 300
    reminder(team, 1)
    reminder(team, 2, status=Reminder.Status.SENDING)
    reminder(team, 3, status=Reminder.Status.FAILED)
    reminder(team, 4, status=Reminder.Status.CANCELLED)

    body = client.get("/healthz").json()

    assert (body["overdue_reminders"], body["failed_reminders"]) == (2, 1)
    assert body["status"] == "degraded"


@pytest.mark.hazard("HAZ-003")
def test_it_says_when_the_sweep_has_stopped(client, healthy, settings):
    settings.PERIODIC_STALE_AFTER_SECONDS = 300
    PeriodicRun.objects.filter(name=SWEEP_RUN).update(last_run_at=timezone.now() - dt.timedelta(minutes=6))

    body = client.get("/healthz").json()

    assert (body["reminder_sweep"], body["status"]) == ("stale", "degraded")


def test_it_says_when_the_sweep_never_ran(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url

    body = client.get("/healthz").json()

    assert (body["reminder_sweep"], body["last_reminder_sweep"]) == ("never run", None)


def test_it_stays_cheap(client, healthy, django_assert_max_num_queries):
    # SELECT 1, the two heartbeats, last sweep, overdue count, failed count, the roles with someone active
    with django_assert_max_num_queries(6):
        client.get("/healthz")


@pytest.mark.hazard("HAZ-050")
def test_a_kind_of_reminder_that_failed_at_the_last_sweep_is_named_until_a_sweep_makes_it_again(
    client, healthy, team, monkeypatch
):
    kind = KINDS[Reminder.Kind.MRI_NOT_PERFORMED]

    def broken(run):
        raise RuntimeError("a query error after a change")

    monkeypatch.setitem(KINDS, kind.kind, replace(kind, derive=broken))
    sweep()
    body = client.get("/healthz").json()
    assert (body["failing_reminder_kinds"], body["status"]) == (["mri_not_performed"], "degraded")

    monkeypatch.setitem(KINDS, kind.kind, kind)
    sweep()
    body = client.get("/healthz").json()
    assert (body["failing_reminder_kinds"], body["status"]) == ([], "ok")


@pytest.mark.hazard("HAZ-021")
def test_a_role_reminders_fall_back_to_with_nobody_active_is_named(client, healthy, team):
    assert client.get("/healthz").json()["reminder_roles_without_anyone"] == []
    Member.objects.filter(role=Member.Role.RADIOLOGIST).update(active=False)
    team["mscc"].is_active = False
    team["mscc"].save()

    body = client.get("/healthz").json()

    assert body["reminder_roles_without_anyone"] == ["radiologist", "mscc_coordinator"]
    assert body["status"] == "degraded"


@pytest.mark.hazard("HAZ-021")
def test_the_kinds_falling_to_the_last_resort_are_named_and_a_last_resort_that_reaches_nobody_degrades(
    client, healthy, team, settings, django_assert_max_num_queries
):
    settings.REMINDER_LAST_RESORT_USERNAMES = ["mdt-lead"]
    lead = UserFactory(username="mdt-lead")
    with django_assert_max_num_queries(7):  # the six above, and the last-resort accounts
        body = client.get("/healthz").json()
    assert (body["reminder_kinds_to_last_resort"], body["reminder_last_resort"], body["status"]) == ([], "ok", "ok")

    Member.objects.filter(role=Member.Role.RADIOLOGIST).update(active=False)
    body = client.get("/healthz").json()
    assert (body["reminder_kinds_to_last_resort"], body["reminder_last_resort"]) == (["mri_review"], "ok")

    Member.objects.update(active=False)
    body = client.get("/healthz").json()
    assert set(body["reminder_kinds_to_last_resort"]) == {
        "mri_review",
        "mri_not_performed",
        "follow_up_due_soon",
        "follow_up_overdue",
        "meeting_agenda",
        "outcome_not_recorded",
        "steroids_active",
        "referral_new",
        "decision_not_signed",  # a signer who left: to the MDT coordinators (HAZ-175)
    }

    Member.objects.update(active=True)
    lead.is_active = False
    lead.save()
    body = client.get("/healthz").json()
    assert (body["reminder_last_resort"], body["status"]) == ("nobody active", "degraded")
    settings.REMINDER_LAST_RESORT_USERNAMES = ["mdt-laed"]
    body = client.get("/healthz").json()
    assert (body["reminder_last_resort"], body["status"]) == ("names an account that does not exist", "degraded")
    settings.REMINDER_LAST_RESORT_USERNAMES = []
    body = client.get("/healthz").json()
    assert (body["reminder_last_resort"], body["status"]) == ("not set", "ok")
