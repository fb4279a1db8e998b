"""PDFs built by the worker, never in a web request: progress page, status, cache, invalidation.

The last test runs a real Celery worker (two processes, as the Procfile runs it) building two
agenda packs, and asks for the patient list while both are being laid out.
"""

import datetime as dt
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessRecord
from cases import clocks
from cases.choices import Presentation
from core import pdf as core_pdf
from mdt import printing
from mdt.models import PrintedDocument
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, PatientFactory, clinician, decision_awaiting
from tests.reminders.workers import ROOT, WorkerProcess, using_broker, wait_for

Status = PrintedDocument.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """Documents sent to the worker, left unbuilt; laying out a PDF in the request fails the test."""
    sent: list[int] = []
    monkeypatch.setattr(printing, "enqueue", sent.append)

    def no_layout_here(html):
        raise AssertionError("a web request laid out a PDF")

    monkeypatch.setattr(core_pdf, "layout", no_layout_here)
    return sent


class TwoProcessWorker(WorkerProcess):
    """As the Procfile runs it: a prefork pool of two, so two packs are laid out at once."""

    def start(self, timeout: float = 60) -> "TwoProcessWorker":
        args = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "--concurrency", "2"]
        args += ["-Q", self.queue, "-n", f"{self.queue}-{uuid.uuid4().hex[:6]}@%h", "--loglevel", "INFO"]
        args += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
        out = open(self.log, "ab")  # noqa: SIM115 - owned by the child
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            args, cwd=ROOT, env=self.env(), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_for(lambda: b" ready." in self.log.read_bytes(), timeout, f"worker ready (see {self.log})", self)
        return self


def agenda(cases: int = 2):
    meeting = MeetingFactory()
    for _ in range(cases):
        AgendaItemFactory(meeting=meeting, case=CaseFactory())
    return meeting


def test_a_pack_not_yet_built_is_sent_to_the_worker_and_a_progress_page_shown(client, queued):
    meeting = agenda()
    client.force_login(clinician())

    response = client.get(reverse("meeting-pdf", args=[meeting.pk]))

    document = PrintedDocument.objects.get()
    assert response.status_code == 202
    assert queued == [document.pk] and document.status == Status.QUEUED
    page = response.content.decode()
    assert reverse("document-status", args=[document.pk]) in page
    assert 'src="/static/js/documents.js"' in page and "<script>" not in page  # the CSP allows no inline script
    assert not AccessRecord.objects.filter(kind="pdf_download").exists()  # nothing shown yet


def test_the_status_follows_the_build_and_says_nothing_about_the_patient(client, queued, monkeypatch):
    meeting = agenda()
    client.force_login(clinician())
    client.get(reverse("meeting-pdf", args=[meeting.pk]))
    document = PrintedDocument.objects.get()
    status_url = reverse("document-status", args=[document.pk])

    queued_state = client.get(status_url).json()
    monkeypatch.undo()  # the worker's side may lay out
    printing.build(document.pk)
    ready_state = client.get(status_url).json()

    assert (queued_state["status"], queued_state["ready"]) == ("queued", False)
    assert (ready_state["status"], ready_state["ready"]) == ("ready", True)
    assert set(ready_state) == {"status", "label", "ready", "failed", "seconds"}
    assert "no-store" in client.get(status_url)["Cache-Control"]


def test_a_built_pack_is_served_from_the_cache_until_what_it_prints_changes(client, monkeypatch):
    meeting = agenda()
    item = meeting.items.first()
    client.force_login(clinician())
    first = client.get(reverse("meeting-pdf", args=[meeting.pk]))
    built = PrintedDocument.objects.get()
    sent: list[int] = []
    monkeypatch.setattr(printing, "enqueue", sent.append)

    again = client.get(reverse("meeting-pdf", args=[meeting.pk]))
    item.question = "Is surgery still an option?"
    item.save()
    changed = client.get(reverse("meeting-pdf", args=[meeting.pk]))

    assert first.status_code == again.status_code == 200 and again.content == first.content
    assert changed.status_code == 202 and len(sent) == 1  # the edit made a new document, sent to the worker
    assert PrintedDocument.objects.get(pk=sent[0]).digest != built.digest
    printing.build(sent[0])
    assert list(PrintedDocument.objects.values_list("pk", flat=True)) == sent  # the stale build is gone
    assert AccessRecord.objects.filter(kind="pdf_download").count() == 2 * 2  # two downloads of two cases


def test_a_failed_build_says_so_and_is_tried_again_on_the_next_request(client, monkeypatch):
    meeting = agenda()
    client.force_login(clinician())

    def broken(html):
        raise OSError("no fonts")

    monkeypatch.setattr(core_pdf, "layout", broken)
    failed = client.get(reverse("meeting-pdf", args=[meeting.pk]))
    document = PrintedDocument.objects.get()
    state = client.get(reverse("document-status", args=[document.pk])).json()
    monkeypatch.undo()
    monkeypatch.setattr(printing, "enqueue", printing.build)
    retried = client.get(reverse("meeting-pdf", args=[meeting.pk]))

    assert failed.status_code == 202 and state["failed"] and document.error == "OSError"
    assert retried.status_code == 200 and retried.content.startswith(b"%PDF-")


def test_outcomes_and_letters_are_built_by_the_worker_too(client, queued):
    user = clinician()
    decision = decision_awaiting([user], timezone.now())
    client.force_login(user)

    outcomes = client.get(reverse("meeting-outcomes-pdf", args=[agenda().pk]))
    letter = client.get(reverse("decision-letter", args=[decision.pk]))

    assert outcomes.status_code == letter.status_code == 202 and len(queued) == 2
    assert sorted(PrintedDocument.objects.values_list("kind", flat=True)) == ["letter", "outcomes"]


def test_a_second_request_while_building_sends_nothing_more(client, queued):
    meeting = agenda()
    client.force_login(clinician())

    client.get(reverse("meeting-pdf", args=[meeting.pk]))
    client.get(reverse("meeting-pdf", args=[meeting.pk]))

    assert len(queued) == 1 and PrintedDocument.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_list_page_answers_while_two_packs_are_being_built(redis_url, tmp_path: Path, monkeypatch):
    """Two agenda packs laid out by a real worker (two processes) while someone opens the patient list."""
    from django.test import Client

    monkeypatch.undo()  # the real enqueue: published to the worker when the request commits
    meetings = [agenda(cases=12), agenda(cases=12)]
    PatientFactory(family_name="Listed")
    user = clinician()
    with using_broker(redis_url) as queue:
        worker = TwoProcessWorker(broker_url=redis_url, queue=queue, journal=tmp_path / "mail", log=tmp_path / "log")
        worker.start()
        try:
            client = Client()
            client.force_login(user)
            for meeting in meetings:
                assert client.get(reverse("meeting-pdf", args=[meeting.pk])).status_code == 202

            def both_building() -> bool:
                return PrintedDocument.objects.filter(status=Status.BUILDING).count() == 2

            wait_for(both_building, 60, "both packs being built", worker)
            listed = client.get(reverse("patient-list"))
            still_building = both_building()
            wait_for(
                lambda: PrintedDocument.objects.filter(status=Status.READY).count() == 2, 180, "both packs", worker
            )
        finally:
            worker.stop()

    assert listed.status_code == 200 and b"LISTED" in listed.content.upper()
    assert still_building, "the packs finished before the list page answered: make them longer"


def test_a_document_whose_message_was_lost_is_asked_for_again(client, queued, settings):
    """Redis restarted with the message in it: the progress page must not wait for ever."""
    meeting = agenda()
    client.force_login(clinician())
    client.get(reverse("meeting-pdf", args=[meeting.pk]))
    document = PrintedDocument.objects.get()
    recent = client.get(reverse("meeting-pdf", args=[meeting.pk]))
    PrintedDocument.objects.filter(pk=document.pk).update(
        requested_at=timezone.now() - dt.timedelta(seconds=settings.PRINT_REQUEUE_AFTER_SECONDS + 1)
    )

    stalled = client.get(reverse("meeting-pdf", args=[meeting.pk]))

    assert recent.status_code == stalled.status_code == 202
    assert queued == [document.pk, document.pk]  # once at first, once more when it had waited too long


@pytest.mark.hazard("HAZ-047")
def test_a_pack_is_kept_while_only_the_time_passes_and_rebuilt_when_a_clock_changes_state(client):
    """The time left on a clock changes every minute; its state (at risk, breached) rebuilds the pack at once."""
    window = printing.CACHE_WINDOW
    start = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)  # a window boundary
    at_risk_from = start + dt.timedelta(minutes=8)
    target = clocks.target("mri_whole_spine_24h")
    suspected = at_risk_from - dt.timedelta(hours=target.value) * target.at_risk_fraction
    meeting = MeetingFactory()
    case = CaseFactory(
        presentation=Presentation.SUSPECTED_MSCC, suspected_diagnosis_at=suspected, referred_at=suspected
    )
    AgendaItemFactory(meeting=meeting, case=case)
    client.force_login(clinician())
    url = reverse("meeting-pdf", args=[meeting.pk])

    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        first = client.get(url)
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):  # time left changed, state not
        later = client.get(url)
    kept = list(PrintedDocument.objects.values_list("pk", flat=True))
    with time_machine.travel(start + dt.timedelta(minutes=9), tick=False):  # now at risk: same window
        at_risk = client.get(url)

    assert window > dt.timedelta(minutes=9)
    assert first.status_code == later.status_code == at_risk.status_code == 200
    assert later.content == first.content and len(kept) == 1
    assert list(PrintedDocument.objects.values_list("pk", flat=True)) != kept  # rebuilt for the new state
