"""Beat schedules the heartbeat and a real worker, over a real Redis, runs it."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from mdt.models import PeriodicRun
from mdt.tasks import heartbeat, print_heartbeat


def test_it_schedules_the_heartbeat_every_minute():
    entry = app.conf.beat_schedule["heartbeat"]
    assert entry["task"] == heartbeat.name
    assert entry["schedule"] == 60.0
    assert heartbeat.name in app.tasks


@pytest.mark.django_db
def test_it_records_the_time_of_each_run():
    heartbeat()
    first = PeriodicRun.objects.get(name="heartbeat").last_run_at
    heartbeat()
    assert PeriodicRun.objects.get(name="heartbeat").last_run_at > first
    assert PeriodicRun.objects.count() == 1


@pytest.mark.django_db
def test_the_print_queue_heartbeat_keeps_its_own_time():
    """/healthz tells a printer down apart from a worker down: each heartbeat keeps its own row."""
    print_heartbeat()
    assert list(PeriodicRun.objects.values_list("name", flat=True)) == ["print-heartbeat"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_heartbeat_sent_through_redis(redis_url):
    previous = app.conf.broker_url
    app.conf.broker_url = redis_url
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            # Publish on a connection to this Redis: the app's producer pool may already hold one to
            # the REDIS_URL of the environment, which need not answer on a machine without Redis.
            with app.connection_for_write(redis_url) as connection:
                heartbeat.apply_async(connection=connection)
            # The task keeps no result: watch the database for its effect instead (up to 10 s).
            for _ in range(100):
                if PeriodicRun.objects.filter(name="heartbeat").exists():
                    break
                time.sleep(0.1)
    finally:
        app.conf.broker_url = previous
    assert PeriodicRun.objects.filter(name="heartbeat").exists()
