"""Reminders never wait behind a PDF: the layouts have a queue and workers of their own; and on that
queue, a PDF someone asked for goes before the packs laid out ahead.

Laying out an agenda pack takes seconds of CPU. On one queue, a few packs at once held every reminder
send behind them; now the layout tasks are routed to the print queue (config.settings.CELERY_TASK_ROUTES),
which the Procfile's `printer` takes, and the `worker` takes the rest. The last test runs both, as the
Procfile does, and sends a due reminder while the printer lays out two packs.
"""

import datetime as dt
import re
import shlex
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from mdt import tasks
from mdt.models import PrintedDocument
from reminders.models import Reminder
from reminders.sweep import sweep
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, clinician
from tests.reminders.backends import journal
from tests.reminders.workers import ROOT, WorkerProcess, using_broker, wait_for

LAYOUT_TASKS = {"mdt.tasks.build_document", "mdt.tasks.prepare_pack"}
REMINDER_TASKS = {"reminders.tasks.sweep", "reminders.tasks.send_batch", "reminders.tasks.send"}
Status = PrintedDocument.Status


def queue_of(task_name: str) -> str:
    return app.amqp.router.route({}, task_name)["queue"].name


def procfile_queues() -> dict[str, set[str]]:
    """Each Celery worker line of the Procfile: its name and the queues it takes (`--queues a,b`)."""
    workers = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        words = shlex.split(command)
        if words[:4] == ["celery", "-A", "config", "worker"]:
            workers[name] = set(words[words.index("--queues") + 1].split(","))
    return workers


@pytest.mark.hazard("HAZ-169")
def test_the_layouts_go_to_the_print_queue_and_the_reminders_do_not():
    assert {queue_of(task) for task in LAYOUT_TASKS} == {settings.PRINT_QUEUE}
    assert {queue_of(task) for task in REMINDER_TASKS} == {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert settings.PRINT_QUEUE != settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.mark.hazard("HAZ-169")
def test_the_procfile_runs_a_worker_for_each_queue_and_none_takes_both():
    workers = procfile_queues()

    assert workers == {"worker": {settings.CELERY_TASK_DEFAULT_QUEUE}, "printer": {settings.PRINT_QUEUE}}
    # Every queue a task can be sent to is taken by some process: a routed task nobody takes is never run.
    routed = {queue_of(name) for name in app.tasks if not name.startswith("celery.")}
    assert routed <= set().union(*workers.values())


@pytest.mark.hazard("HAZ-169")
def test_beat_checks_the_printer_every_minute():
    entry = app.conf.beat_schedule["print-heartbeat"]
    assert entry["schedule"] == 60.0 and queue_of(entry["task"]) == settings.PRINT_QUEUE


def took_in_order(log: Path) -> list[str]:
    """The tasks a worker received, in the order it received them, from its log."""
    return re.findall(r"Task ([\w.]+)\[[\w-]+\] received", log.read_text())


def took(log: Path) -> set[str]:
    return set(took_in_order(log))


def agenda(cases: int, **meeting_fields):
    meeting = MeetingFactory(**meeting_fields)
    for _ in range(cases):
        AgendaItemFactory(meeting=meeting, case=CaseFactory())
    return meeting


@pytest.mark.slow
@pytest.mark.hazard("HAZ-169")
@pytest.mark.django_db(transaction=True)
def test_a_due_reminder_is_sent_while_the_printer_lays_out_two_packs(team, redis_url, tmp_path: Path, monkeypatch):
    monkeypatch.undo()  # tests/conftest.py builds PDFs in the request: here the real enqueue, to the printer
    meetings = [agenda(cases=12), agenda(cases=12)]
    case = CaseFactory(
        responsible_clinician=team["oncologist"],
        steroids_started_at=timezone.now() - dt.timedelta(days=2),  # steroids not stopped: the reminder stays due
    )
    due = Reminder.objects.create(
        kind=Reminder.Kind.STEROIDS_ACTIVE,
        recipient=team["oncologist"],
        case=case,
        due_at=timezone.now() - dt.timedelta(minutes=1),
        dedupe_key="print-queue-test",
    )
    mails = tmp_path / "mail.jsonl"
    print_queue = f"print-test-{uuid.uuid4().hex[:10]}"
    with using_broker(redis_url, print_queue=print_queue) as queue:
        printer = WorkerProcess(
            broker_url=redis_url, queue=print_queue, journal=mails, log=tmp_path / "printer.log", processes=2
        )
        worker = WorkerProcess(broker_url=redis_url, queue=queue, journal=mails, log=tmp_path / "worker.log")
        try:
            printer.start()
            worker.start()
            client = Client()
            client.force_login(clinician())
            for meeting in meetings:
                assert client.get(reverse("meeting-pdf", args=[meeting.pk])).status_code == 202

            def both_building() -> bool:
                return PrintedDocument.objects.filter(status=Status.BUILDING).count() == 2

            wait_for(both_building, 60, "both packs being built", printer)
            assert sweep().claimed == 1
            wait_for(lambda: Reminder.objects.get(pk=due.pk).status == "sent", 30, "the reminder sent", worker)
            packs_still_building = both_building()
            ready = PrintedDocument.objects.filter(status=Status.READY)
            wait_for(lambda: ready.count() == 2, 180, "both packs", printer)
        finally:
            worker.stop()
            printer.stop()

    assert packs_still_building, "the packs finished before the reminder was sent: make them longer"
    assert [line["reminder"] for line in journal(mails)] == [due.pk]
    # Each worker took only its own queue's work (its log names each task it received).
    printer_took, worker_took = (took(tmp_path / log) for log in ("printer.log", "worker.log"))
    assert printer_took == {"mdt.tasks.build_document"}
    assert worker_took == {"reminders.tasks.send_batch", "reminders.tasks.send"}


@pytest.mark.slow
@pytest.mark.hazard("HAZ-169")
@pytest.mark.django_db(transaction=True)
def test_a_pack_someone_asked_for_is_laid_out_before_the_packs_queued_ahead(redis_url, tmp_path: Path, monkeypatch):
    """Beat's round queued three packs to lay out ahead; a coordinator then asks for a pack: the printer
    takes the coordinator's first."""
    monkeypatch.undo()  # tests/conftest.py builds PDFs in the request: here the real enqueue, to the printer
    for _ in range(3):  # within the week prepared ahead
        agenda(cases=1, starts_at=timezone.now() + dt.timedelta(days=3))
    asked_for = agenda(cases=1)
    log = tmp_path / "printer.log"
    with using_broker(redis_url) as queue:
        tasks.prepare_packs()  # as beat's round: one prepare_pack message per meeting of the next week
        client = Client()
        client.force_login(clinician())
        assert client.get(reverse("meeting-pdf", args=[asked_for.pk])).status_code == 202
        printer = WorkerProcess(broker_url=redis_url, queue=queue, journal=tmp_path / "mail", log=log)
        try:
            printer.start()  # one process: it takes the messages one at a time, in the order it is given them
            wait_for(lambda: len(took_in_order(log)) == 4, 60, "the four messages taken", printer)
            wait_for(lambda: PrintedDocument.objects.filter(status=Status.READY).exists(), 60, "the pack", printer)
        finally:
            printer.stop()

    assert took_in_order(log) == ["mdt.tasks.build_document"] + ["mdt.tasks.prepare_pack"] * 3
