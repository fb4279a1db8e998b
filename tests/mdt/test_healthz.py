import datetime as dt

import pytest
from django.utils import timezone

from mdt.models import Member, PeriodicRun
from tests.factories import team_user

pytestmark = pytest.mark.django_db


def staffed() -> None:
    """Someone active in each role the reminders fall back to (else /healthz says degraded, HAZ-021)."""
    for role in (Member.Role.RADIOLOGIST, Member.Role.MSCC_COORDINATOR, Member.Role.MDT_COORDINATOR):
        team_user(f"someone-{role}", role)


def test_it_reports_ok_with_database_broker_and_a_recent_periodic_run(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    ran_at = timezone.now() - dt.timedelta(seconds=30)
    PeriodicRun.objects.create(name="heartbeat", last_run_at=ran_at)
    PeriodicRun.objects.create(name="print-heartbeat", last_run_at=ran_at)
    PeriodicRun.objects.create(name="reminder-sweep", last_run_at=ran_at)
    staffed()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "last_periodic_run": ran_at.isoformat(),
        "periodic": "ok",
        "last_print_run": ran_at.isoformat(),
        "printing": "ok",
        "last_reminder_sweep": ran_at.isoformat(),
        "reminder_sweep": "ok",
        "overdue_reminders": 0,
        "failed_reminders": 0,
        "failing_reminder_kinds": [],
        "reminder_roles_without_anyone": [],
        "reminder_kinds_to_last_resort": [],
        "reminder_last_resort": "not set",
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_needs_no_sign_in(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    assert client.get("/healthz").status_code == 200


@pytest.mark.hazard("HAZ-033")
def test_it_says_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    body = client.get("/healthz").json()

    assert body["broker"] == "unavailable"
    assert body["status"] == "degraded"


def test_it_says_when_no_periodic_task_has_run(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url

    body = client.get("/healthz").json()

    assert body["periodic"] == "never run"
    assert body["last_periodic_run"] is None
    assert body["status"] == "degraded"


def test_it_says_when_the_last_periodic_run_is_stale(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    settings.PERIODIC_STALE_AFTER_SECONDS = 300
    PeriodicRun.objects.create(name="heartbeat", last_run_at=timezone.now() - dt.timedelta(minutes=6))

    body = client.get("/healthz").json()

    assert body["periodic"] == "stale"
    assert body["status"] == "degraded"


@pytest.mark.hazard("HAZ-169")
def test_it_says_when_no_printer_has_taken_work(client, settings, redis_url):
    """The worker runs but no printer (the Procfile's `printer`, the print queue): PDFs would never be built."""
    settings.CELERY_BROKER_URL = redis_url
    settings.PERIODIC_STALE_AFTER_SECONDS = 300
    now = timezone.now()
    PeriodicRun.objects.create(name="heartbeat", last_run_at=now)
    PeriodicRun.objects.create(name="reminder-sweep", last_run_at=now)
    staffed()

    never = client.get("/healthz").json()
    PeriodicRun.objects.create(name="print-heartbeat", last_run_at=now - dt.timedelta(minutes=6))
    stale = client.get("/healthz").json()
    PeriodicRun.objects.filter(name="print-heartbeat").update(last_run_at=now)
    running = client.get("/healthz").json()

    assert (never["printing"], never["last_print_run"], never["status"]) == ("never run", None, "degraded")
    assert (stale["printing"], stale["status"]) == ("stale", "degraded")
    assert (running["printing"], running["periodic"], running["status"]) == ("ok", "ok", "ok")
