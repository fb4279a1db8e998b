"""PDFs built by the worker, never in a web request: progress page, status, cache, invalidation.

The last test runs a real Celery worker (two processes, as the Procfile runs it) building two
agenda packs, and asks for the patient list while both are being laid out.
"""

import datetime as dt
import io
import re
from pathlib import Path

import pypdf
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessRecord
from cases import clocks
from cases.choices import Presentation
from config.celery import app
from core import pdf as core_pdf
from mdt import pdf as mdt_pdf
from mdt import printing, tasks
from mdt.models import AgendaItem, Meeting, PrintedDocument, PrintedSection
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, PatientFactory, clinician, decision_awaiting
from tests.reminders import conftest as reminder_fixtures
from tests.reminders.workers import WorkerProcess, using_broker, wait_for

Status = PrintedDocument.Status
pytestmark = pytest.mark.django_db
eager = reminder_fixtures.eager  # Celery tasks run in-process: prepare_packs runs each prepare_pack


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """Documents sent to the worker, left unbuilt; laying out a PDF in the request fails the test."""
    sent: list[int] = []
    monkeypatch.setattr(printing, "enqueue", sent.append)

    def no_layout_here(html):
        raise AssertionError("a web request laid out a PDF")

    monkeypatch.setattr(core_pdf, "layout", no_layout_here)
    return sent


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
        worker = WorkerProcess(
            broker_url=redis_url, queue=queue, journal=tmp_path / "mail", log=tmp_path / "log", processes=2
        ).start()
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


def meeting_in(days: float, cases: int = 1, **fields) -> Meeting:
    starts_at = timezone.now() + dt.timedelta(days=days)
    meeting = MeetingFactory(starts_at=starts_at, agenda_closes_at=starts_at - dt.timedelta(hours=1), **fields)
    for _ in range(cases):
        AgendaItemFactory(meeting=meeting, case=CaseFactory())
    return meeting


def test_the_packs_laid_out_ahead_are_those_of_the_meetings_of_the_next_week_with_a_case(django_assert_num_queries):
    under_way = meeting_in(-1 / 24, status=Meeting.Status.IN_PROGRESS)
    soon = meeting_in(2)
    last_day = meeting_in(6.9)
    meeting_in(7.1)  # after the next week
    meeting_in(-1)  # over
    meeting_in(3, status=Meeting.Status.CANCELLED)
    meeting_in(4, status=Meeting.Status.CONCLUDED)
    meeting_in(5, cases=0)  # nothing to print
    withdrawn = meeting_in(5.5)
    withdrawn.items.update(status=AgendaItem.Status.WITHDRAWN)

    with django_assert_num_queries(1):
        chosen = printing.packs_to_prepare()

    assert chosen == [under_way.pk, soon.pk, last_day.pk]  # the soonest first


def test_beat_lays_out_the_packs_ahead_every_ten_minutes_and_drops_a_late_round():
    entry = app.conf.beat_schedule["agenda-packs-prepared"]
    assert entry["task"] == tasks.prepare_packs.name == "mdt.tasks.prepare_packs"
    assert entry["schedule"] == 600.0
    assert entry["options"]["expires"] < 600 and tasks.PREPARE_EXPIRES < 600
    assert {tasks.prepare_packs.name, tasks.prepare_pack.name} <= set(app.tasks)


def test_preparing_the_pack_of_a_meeting_deleted_or_cancelled_since_does_nothing():
    deleted = meeting_in(2)
    deleted_id = deleted.pk
    deleted.items.all().delete()
    deleted.delete()
    cancelled = meeting_in(3)
    Meeting.objects.filter(pk=cancelled.pk).update(status=Meeting.Status.CANCELLED)

    tasks.prepare_pack(deleted_id)  # what the worker runs for a message sent before the deletion
    assert printing.prepare_pack(cancelled.pk) == 0

    assert not PrintedSection.objects.exists()


def page_texts(response) -> list[str]:
    """The text of each page of the PDF served, spaces collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


@pytest.fixture
def laid_out(monkeypatch) -> dict[str, list[str]]:
    """The HTML of every WeasyPrint layout: the cases' sections (mdt.pdf) and whole documents (the cover)."""
    seen: dict[str, list[str]] = {"sections": [], "documents": []}
    for module, kind in ((mdt_pdf, "sections"), (core_pdf, "documents")):
        real = module.layout

        def spy(html, real=real, kind=kind):
            seen[kind].append(html)
            return real(html)

        monkeypatch.setattr(module, "layout", spy)
    return seen


@pytest.mark.slow
@pytest.mark.hazard("HAZ-168")
def test_cases_laid_out_ahead_by_the_worker_leave_the_request_the_cover_and_print_as_a_pack_built_from_nothing(
    client, eager, laid_out
):
    meeting = meeting_in(2, cases=3)
    client.force_login(clinician())
    url = reverse("meeting-pdf", args=[meeting.pk])

    with time_machine.travel(timezone.now(), tick=False):  # the cover prints the time to the minute
        tasks.prepare_packs()  # what beat sends
        prepared_sections = PrintedSection.objects.count()
        ahead = len(laid_out["sections"])
        asked = client.get(url)
        after_request = {kind: list(htmls) for kind, htmls in laid_out.items()}
        PrintedDocument.objects.all().delete()
        PrintedSection.objects.all().delete()
        from_nothing = client.get(url)

    assert prepared_sections == 3 and ahead == 1  # the three cases, in one layout
    assert asked.status_code == from_nothing.status_code == 200
    assert len(after_request["sections"]) == 1  # the request laid out no case
    assert len(after_request["documents"]) == 1 and "Agenda pack printed" in after_request["documents"][0]
    assert len(laid_out["sections"]) == 2  # built from nothing: the three cases laid out by the build
    texts = page_texts(asked)
    assert len(texts) == 4 and texts == page_texts(from_nothing)


@pytest.mark.slow
@pytest.mark.hazard("HAZ-168")
def test_a_case_edited_after_its_pack_was_prepared_is_laid_out_again_and_printed_as_edited(client, laid_out):
    meeting = meeting_in(2, cases=3)
    item = meeting.items.order_by("position", "id")[1]
    client.force_login(clinician())
    assert printing.prepare_pack(meeting.pk) == 3
    item.question = "Is the T9 lesion stable after radiotherapy?"
    item.save()
    assert printing.prepare_pack(meeting.pk) == 1  # its digest changed: laid out again
    item.question = "Is the T10 lesion stable after radiotherapy?"
    item.save()
    before = len(laid_out["sections"])

    response = client.get(reverse("meeting-pdf", args=[meeting.pk]))

    [edited] = laid_out["sections"][before:]  # the build laid out the case edited since, and no other
    assert 'id="pack-case-2"' in edited and "pack-case-1" not in edited and "pack-case-3" not in edited
    texts = page_texts(response)
    assert "Is the T10 lesion stable" in texts[2] and not any("Is the T9 lesion" in text for text in texts)
    assert printing.prepare_pack(meeting.pk) == 0  # the build kept it
