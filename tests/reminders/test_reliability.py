"""Exactly once, never lost: the outbox against a real Redis and real workers.

- two sweeps at once over 1,000 due reminders: each sent once;
- the same send task delivered twice: one email;
- a transaction that rolls back enqueues nothing;
- Redis stopped during a sweep and started again: every due reminder sent once within two sweeps;
- a worker killed in the middle of a send: sent once after restart and the sending timeout;
- no patient name, NHS number or clinical text in any broker message or log line.

Workers run in a thread (celery.contrib.testing) where the test needs their logs or the locmem
outbox, and in a subprocess (tests.reminders.workers) where the test kills them. Every test
publishes to a queue of its own. Transactional tests: the workers see committed rows only.
"""

import base64
import datetime as dt
import json
import logging
import threading
import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish, task_postrun
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from config.celery import app
from reminders import sweep as sweeping
from reminders.models import Reminder
from reminders.sweep import claim_batch, sweep
from reminders.tasks import send, send_batch
from reminders.tasks import sweep as sweep_task
from scripts import redis_local
from tests.factories import CaseFactory, PatientFactory, ScanFactory
from tests.reminders.backends import journal
from tests.reminders.conftest import sent_per_reminder
from tests.reminders.workers import WorkerProcess, reset_producers, using_broker, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # races and 1,000-row sweeps

DAY = dt.timedelta(days=1)


@pytest.fixture
def steroids_case(team):
    """A case whose steroid reminder stays open (steroids not stopped) but is not derived by the sweep."""
    return CaseFactory(
        responsible_clinician=team["oncologist"],
        steroids_started_at=timezone.now() - 2 * DAY,
        decision_to_treat_at=timezone.now() - 2 * DAY,
        treatment_modality="radiotherapy",
        treatment_start_at=timezone.now() - DAY,
    )


def due_reminders(case, recipient, count: int, prefix: str = "r") -> list[int]:
    Reminder.objects.bulk_create(
        Reminder(
            kind=Reminder.Kind.STEROIDS_ACTIVE,
            recipient=recipient,
            case=case,
            due_at=timezone.now() - dt.timedelta(minutes=1),
            dedupe_key=f"{prefix}:{n}",
        )
        for n in range(count)
    )
    return list(Reminder.objects.filter(dedupe_key__startswith=f"{prefix}:").values_list("pk", flat=True))


def in_thread_worker(queue: str, **options):
    return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, queues=[queue], **options)


@pytest.fixture
def processed():
    """Ids of the send tasks a worker thread in this process has finished, in order."""
    done: list[int] = []

    def count(sender=None, args=None, **kwargs):
        if sender is not None and sender.name == send.name:
            done.append(args[0])

    task_postrun.connect(count, weak=False)
    yield done
    task_postrun.disconnect(count)


def forget_queue(url: str, queue: str) -> None:
    """Remove the test's queue, and any unacknowledged message of it that Redis keeps for redelivery."""
    client = redis.Redis.from_url(url)
    client.delete(queue)
    for tag, payload in client.hgetall("unacked").items():
        if queue.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def test_two_sweeps_at_once_send_each_of_400_due_reminders_once(team, steroids_case, redis_url, settings, monkeypatch):
    settings.REMINDER_BATCH_SIZE = 10  # 40 claims to share: the two sweeps interleave
    ids = due_reminders(steroids_case, team["oncologist"], 400)
    reports = []
    errors = []
    barrier = threading.Barrier(2)
    # Starting together is not enough: on SQLite, where writers take turns, one sweep could claim all
    # 40 batches before the other finished deriving, and the race this test is about never ran. Each
    # sweep holds its first claim until the other has made one too, so both are claiming at once.
    real_claim_batch, first_claims, this_thread = sweeping.claim_batch, threading.Barrier(2), threading.local()

    def claim_batch_then_wait_for_the_other(*args, **kwargs):
        claimed = real_claim_batch(*args, **kwargs)
        if claimed and not getattr(this_thread, "claimed", False):
            this_thread.claimed = True
            first_claims.wait(timeout=30)
        return claimed

    monkeypatch.setattr(sweeping, "claim_batch", claim_batch_then_wait_for_the_other)

    def one_sweep():
        try:
            barrier.wait(timeout=10)
            reports.append(sweep())
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    with using_broker(redis_url) as queue, in_thread_worker(queue):
        sweeps = [threading.Thread(target=one_sweep) for _ in range(2)]
        for thread in sweeps:
            thread.start()
        for thread in sweeps:
            thread.join(timeout=60)
        assert not errors, errors
        wait_for(lambda: Reminder.objects.filter(status="sent").count() == 400, 180, "400 reminders sent")
    forget_queue(redis_url, queue)

    assert sum(report.claimed for report in reports) == 400
    assert all(report.claimed for report in reports), "the two sweeps did not overlap"
    counts = sent_per_reminder()
    assert set(counts) == set(ids) and set(counts.values()) == {1}
    assert Reminder.objects.filter(claims=1, attempts=1, status="sent").count() == 400


def test_the_same_send_task_delivered_twice_sends_one_email(team, steroids_case, redis_url, monkeypatch, processed):
    [reminder_id] = due_reminders(steroids_case, team["oncologist"], 1)
    monkeypatch.setattr(sweeping, "publish", lambda claims, report=None: None)  # publish by hand below
    claim_batch(timezone.now(), size=10)
    claim = Reminder.objects.get(pk=reminder_id).claims

    with using_broker(redis_url) as queue:
        task_id = str(uuid.uuid4())
        send.apply_async((reminder_id, claim), task_id=task_id)
        send.apply_async((reminder_id, claim), task_id=task_id)  # a redelivery of the same message
        assert redis.Redis.from_url(redis_url).llen(queue) == 2
        with in_thread_worker(queue):
            wait_for(lambda: len(processed) == 2, 30, "both deliveries processed")
    forget_queue(redis_url, queue)

    assert sent_per_reminder() == {reminder_id: 1}
    assert Reminder.objects.get(pk=reminder_id).attempts == 1


def test_a_transaction_that_rolls_back_enqueues_nothing(team, steroids_case, redis_url):
    [reminder_id] = due_reminders(steroids_case, team["oncologist"], 1)
    client = redis.Redis.from_url(redis_url)

    with using_broker(redis_url) as queue:
        with pytest.raises(RuntimeError), transaction.atomic():
            assert claim_batch(timezone.now(), size=10) == 1
            raise RuntimeError("something later in the same transaction failed")
        assert client.llen(queue) == 0
        assert Reminder.objects.get(pk=reminder_id).status == "pending"

        with transaction.atomic():  # the control: committed, one message
            claim_batch(timezone.now(), size=10)
            assert client.llen(queue) == 0  # not before the commit
        assert client.llen(queue) == 1
    forget_queue(redis_url, queue)


@pytest.mark.hazard("HAZ-003")
def test_redis_stopped_during_a_sweep_every_due_reminder_is_sent_once_within_two_sweeps_of_its_return(
    team, steroids_case, settings, monkeypatch, tmp_path
):
    settings.REMINDER_CLAIM_TIMEOUT_SECONDS = 2  # this test's sweep period: lost claims expire after one
    port = redis_local.free_port()
    url = f"redis://127.0.0.1:{port}/0"
    server = redis_local.start(port)
    mails = tmp_path / "mail.jsonl"
    first = due_reminders(steroids_case, team["oncologist"], 6, "first")
    real_apply_async = send_batch.apply_async

    def redis_dies_first(*args, **kwargs):
        # The claimed batch is one message: Redis dies just before it is published.
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)
        return real_apply_async(*args, **kwargs)

    try:
        with using_broker(url) as queue:
            monkeypatch.setattr(send_batch, "apply_async", redis_dies_first)
            during = sweep()
            monkeypatch.setattr(send_batch, "apply_async", real_apply_async)
            assert during.broker_down and during.claimed == 6
            # The batch never reached Redis: every claim is handed back at once, none waits for its lease.
            assert Reminder.objects.filter(pk__in=first, status="pending").count() == 6

            second = due_reminders(steroids_case, team["oncologist"], 4, "second")
            while_down = sweep()
            assert while_down.broker_down

            server = redis_local.start(port)  # Redis is back, empty
            reset_producers()
            worker = WorkerProcess(broker_url=url, queue=queue, journal=mails, log=tmp_path / "worker.log").start()
            try:
                time.sleep(settings.REMINDER_CLAIM_TIMEOUT_SECONDS)
                sweeps_after_return = 0
                for _ in range(2):
                    sweep()
                    sweeps_after_return += 1
                    try:
                        wait_for(lambda: len(journal(str(mails))) >= 10, 20, "10 emails")
                        break
                    except AssertionError:
                        time.sleep(settings.REMINDER_CLAIM_TIMEOUT_SECONDS)
                sweep()  # and one more finds nothing left to send
                time.sleep(1)
            finally:
                worker.stop()
    finally:
        server.terminate()
        server.wait(timeout=10)

    sent = [line["reminder"] for line in journal(str(mails))]
    assert sorted(sent) == sorted(first + second), "each due reminder once"
    assert sweeps_after_return <= 2
    assert Reminder.objects.filter(status="sent").count() == 10


@pytest.mark.hazard("HAZ-003")
def test_a_worker_killed_in_the_middle_of_a_send_sends_it_once_after_restart(team, steroids_case, redis_url, tmp_path):
    [reminder_id] = due_reminders(steroids_case, team["oncologist"], 1)
    mails, log = tmp_path / "mail.jsonl", tmp_path / "worker.log"

    with using_broker(redis_url) as queue:
        slow = WorkerProcess(broker_url=redis_url, queue=queue, journal=mails, log=log, mail_delay=60).start()
        try:
            sweep()
            # The worker took the send (the gate is passed) and is inside the mail server call.
            wait_for(lambda: Reminder.objects.get(pk=reminder_id).send_started_at is not None, 30, "the send")
            time.sleep(0.5)
        finally:
            slow.kill()
        stuck = Reminder.objects.get(pk=reminder_id)
        assert (stuck.status, stuck.attempts, journal(str(mails))) == ("sending", 1, [])

        fast = WorkerProcess(broker_url=redis_url, queue=queue, journal=mails, log=log).start()
        try:
            sweep()  # before the sending timeout: the row is left alone
            assert Reminder.objects.get(pk=reminder_id).claims == 1
            sweep(now=stuck.lease_until + dt.timedelta(seconds=1))  # the first sweep after it
            wait_for(lambda: Reminder.objects.get(pk=reminder_id).status == "sent", 30, "the resend")
            send.apply_async((reminder_id, 1))  # the dead worker's message, redelivered late
            wait_for(lambda: f"reminder send skipped: id={reminder_id} claim=1" in log.read_text(), 30, "the skip")
        finally:
            fast.stop()
    forget_queue(redis_url, queue)

    assert [line["reminder"] for line in journal(str(mails))] == [reminder_id]
    final = Reminder.objects.get(pk=reminder_id)
    assert (final.status, final.claims, final.attempts) == ("sent", 2, 2)


# --------------------------------------------------------------------------- no patient data in Redis or logs

CANARY_GIVEN, CANARY_FAMILY, CANARY_NHS = "Ottoline", "Quistgaard-Vexley", "9434765919"
CANARY_TEXT = ["Canary-question: pathological fracture at L2", "Canary-report: epidural disease", "Dr Canary-Referrer"]
SECRETS = [CANARY_GIVEN, CANARY_FAMILY, CANARY_NHS, "943 476 5919", *CANARY_TEXT]


def flattened(args: list) -> list:
    """A message's arguments with the batch's [id, claim] pairs spread out."""
    return [leaf for arg in args for leaf in (flattened(arg) if isinstance(arg, list) else [arg])]


def decoded(raw: bytes) -> str:
    """A kombu message as text: the envelope, its headers and the base64 body decoded."""
    envelope = json.loads(raw)
    body = base64.b64decode(envelope["body"]).decode()
    return raw.decode() + "\n" + body


@pytest.mark.hazard("HAZ-025")
def test_no_patient_name_nhs_number_or_clinical_text_reaches_the_broker_or_a_log_line(
    team, redis_url, caplog, processed, settings
):
    patient = PatientFactory(given_name=CANARY_GIVEN, family_name=CANARY_FAMILY, nhs_number=CANARY_NHS)
    case = CaseFactory(
        patient=patient, mdt_question=CANARY_TEXT[0], referrer=CANARY_TEXT[2], responsible_clinician=team["oncologist"]
    )
    performed = timezone.now() - dt.timedelta(hours=80)
    ScanFactory(case=case, requested_at=performed, performed_at=performed, report=CANARY_TEXT[1])
    caplog.set_level(logging.DEBUG)
    # Keep pytest's log capture on the root logger: the worker's start runs django.setup(), which
    # would apply settings.LOGGING again, and Celery would take over the root logger.
    settings.LOGGING_CONFIG = None
    hijack = app.conf.worker_hijack_root_logger
    app.conf.worker_hijack_root_logger = False
    client = redis.Redis.from_url(redis_url)
    published = []  # every message this process publishes, the worker thread's fan-out included

    def record(sender=None, body=None, headers=None, **kwargs):
        published.append((headers["task"], json.dumps([headers, body], default=str), body[0]))

    before_task_publish.connect(record, weak=False)
    try:
        with using_broker(redis_url) as queue:
            sweep_task.delay()  # what beat sends
            report = sweep()  # what that task does: derive, claim, publish the batch
            messages = client.lrange(queue, 0, -1)
            with in_thread_worker(queue, loglevel="DEBUG"):
                wait_for(lambda: len(processed) == report.claimed, 30, "the sends")
                wait_for(lambda: client.llen(queue) == 0, 30, "the queue drained")
        forget_queue(redis_url, queue)
    finally:
        app.conf.worker_hijack_root_logger = hijack
        before_task_publish.disconnect(record)

    assert report.claimed == 4  # MRI review: two radiologists, the responsible clinician, the MSCC coordinator
    assert len(messages) == 2  # beat's sweep task and the sweep's one batch
    for raw in messages:
        text = decoded(raw)
        for secret in SECRETS:
            assert secret.lower() not in text.lower(), f"{secret!r} in a broker message"
        args = json.loads(base64.b64decode(json.loads(raw)["body"]))[0]
        assert all(isinstance(arg, int) for arg in flattened(args)), args  # ids only
    sends = [(text, args) for task, text, args in published if task == send.name]
    assert len(sends) == report.claimed  # the worker's fan-out: one send task per reminder
    for text, args in sends:
        for secret in SECRETS:
            assert secret.lower() not in text.lower(), f"{secret!r} in a send task"
        assert all(isinstance(arg, int) for arg in flattened(args)), args
    assert len(mail.outbox) == 4
    logged = caplog.text + "\n".join(str(record.args) for record in caplog.records)
    assert "reminder sent: id=" in logged  # the capture saw the worker's log lines
    for secret in SECRETS:
        assert secret.lower() not in logged.lower(), f"{secret!r} in a log line"
    for message in mail.outbox:
        assert patient.mrn in message.subject
        for secret in SECRETS:
            assert secret.lower() not in (message.subject + message.body).lower()
