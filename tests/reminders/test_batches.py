"""One message per claimed batch, fanned out by the worker into one send task per reminder (reminders.sweep)."""

import base64
import datetime as dt
import json

import pytest
from django.core import mail
from django.utils import timezone

from config.celery import app
from reminders.models import Reminder
from reminders.sweep import claim_batch, release_expired, sweep
from reminders.tasks import send, send_batch
from tests.reminders.conftest import claim, due_reminder, sent_per_reminder
from tests.reminders.workers import using_broker

pytestmark = pytest.mark.django_db


@pytest.mark.hazard("HAZ-003")
def test_when_the_broker_fails_during_the_workers_fan_out_every_claim_of_the_batch_is_handed_back(
    team, monkeypatch, caplog
):
    """The worker publishes the batch's send tasks in one round trip: a failure part-way sends none
    of them, and every claim goes back to pending at once (the next sweep claims them again)."""
    reminders = [due_reminder(team, dedupe_key=f"k{n}") for n in range(3)]
    claims = [(reminder.pk, claim(reminder)) for reminder in reminders]
    published = []

    def apply_async(args, **options):
        if len(published) == 1:
            raise ConnectionRefusedError("Connection refused")
        published.append(args)

    monkeypatch.setattr(send, "apply_async", apply_async)
    send_batch.apply(args=(claims,))

    statuses = Reminder.objects.filter(pk__in=[r.pk for r in reminders]).values_list("status", flat=True)
    assert sorted(statuses) == ["pending", "pending", "pending"]
    assert "broker unavailable: error=ConnectionRefusedError batch=3 handed_back=3 step=fan-out" in caplog.text
    assert mail.outbox == []


def test_a_claimed_batch_is_one_message_the_worker_fans_out_in_one_round_trip(
    team, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The sweep publishes one send_batch message per claimed batch, ids and claim numbers only; the
    worker publishes its send tasks (one per row, each still its own task) in one Redis pipeline, on
    the batch's own queue."""
    import redis
    from kombu.transport import redis as kombu_redis

    settings.REMINDER_BATCH_SIZE = 50
    reminders = [due_reminder(team, dedupe_key=f"k{n}") for n in range(7)]
    flushes, direct = [], []
    real_flush, real_lpush = kombu_redis.PublishBatch.flush, redis.Redis.lpush
    monkeypatch.setattr(kombu_redis.PublishBatch, "flush", lambda batch: flushes.append(1) or real_flush(batch))

    def lpush(client, *args):
        if not isinstance(client, redis.client.Pipeline):  # a pipeline is a Redis client too
            direct.append(args)
        return real_lpush(client, *args)

    monkeypatch.setattr(redis.Redis, "lpush", lpush)

    broker_url = app.conf.broker_url
    with using_broker(broker_url) as queue:
        client = redis.Redis.from_url(broker_url)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                report = sweep()
            [batch] = [json.loads(raw) for raw in client.lrange(queue, 0, -1)]
            client.delete(queue)
            delivery_info = batch["properties"]["delivery_info"]
            [claims], _, _ = json.loads(base64.b64decode(batch["body"]))
            send_batch.apply(args=(claims,), **delivery_info)  # what the worker does with it
            messages = [json.loads(raw) for raw in client.lrange(queue, 0, -1)]
        finally:
            client.delete(queue)

    assert report.claimed == 7 and not report.broker_down
    assert batch["headers"]["task"] == send_batch.name
    assert sorted(claims) == sorted([r.pk, 1] for r in reminders)
    assert len(direct) == 1 and flushes == [1]  # the batch's one message, then the fan-out's one pipeline
    assert {m["headers"]["task"] for m in messages} == {send.name}
    assert sorted(m["headers"]["argsrepr"] for m in messages) == sorted(f"({r.pk}, 1)" for r in reminders)


@pytest.mark.hazard("HAZ-031")
def test_a_batch_fanned_out_delivers_each_reminder_once_even_if_the_batch_is_delivered_twice(team, eager):
    reminders = [due_reminder(team, dedupe_key=f"k{n}") for n in range(3)]
    claims = [(reminder.pk, claim(reminder)) for reminder in reminders]

    send_batch.apply(args=(claims,))
    send_batch.apply(args=(claims,))  # a redelivery of the same batch message

    assert sent_per_reminder() == {reminder.pk: 1 for reminder in reminders}
    for reminder in reminders:
        reminder.refresh_from_db()
        assert (reminder.status, reminder.attempts, reminder.claims) == ("sent", 1, 1)


def test_a_stale_claim_inside_a_batch_does_nothing(team, eager, settings):
    taken_back, other = due_reminder(team, dedupe_key="a"), due_reminder(team, dedupe_key="b")
    first = claim(taken_back)
    later = timezone.now() + dt.timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT_SECONDS + 1)
    assert release_expired(later) == (1, 0)  # its batch was lost: the row is claimed again, with `other`
    current = claim_batch(timezone.now(), size=10, ids=[taken_back.pk, other.pk])
    assert current == 2 and Reminder.objects.get(pk=taken_back.pk).claims == first + 1

    send_batch.apply(args=([(taken_back.pk, first), (other.pk, 1)],))  # the old claim of one row, late

    assert sent_per_reminder() == {other.pk: 1}
    taken_back.refresh_from_db()
    assert (taken_back.status, taken_back.attempts, taken_back.send_started_at) == ("sending", 0, None)
    send_batch.apply(args=([(taken_back.pk, first + 1)],))  # its current claim sends it, once
    assert sent_per_reminder() == {other.pk: 1, taken_back.pk: 1}
