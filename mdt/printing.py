"""PDFs built in the background and kept until what they print changes.

Laying out a sixty-case agenda pack takes seconds of CPU: done in a web worker, two at once held
every other request behind them. Here a request renders the document's HTML (as cheap as the page
itself), hashes it, and either serves the PDF already built from that exact HTML or asks the
Celery worker to build it (mdt.tasks.build_document) and shows a progress page that polls
`document_status`. Any change to what the document prints changes the HTML, so the digest, so the
PDF is rebuilt; nothing else is needed to invalidate it. The task carries the row's id only.
The agenda pack is built from its parts, each case's pages kept once laid out (mdt.pdf): a pack
rebuilt after a change lays out the cover and the cases that changed. The packs of the next week's
meetings have their cases laid out ahead (`prepare_pack`, sent by beat every 10 minutes through
mdt.tasks.prepare_packs), so even a pack's first build usually lays out its cover only.
"""

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from cases.clocks import case_clocks
from core.pdf import render_html
from mdt.models import AgendaItem, Decision, Meeting, PrintedDocument
from mdt.pdf import pack_pdf, prepare_sections
from mdt.selectors import decisions_for_display, meeting_agenda

log = logging.getLogger(__name__)
# A pack asked for again within this window is served as built, with its printed time (the time left
# on each clock as of then); a clock changing state, or any edit, rebuilds it at once.
CACHE_WINDOW = dt.timedelta(minutes=15)
# The packs of the meetings starting within this time have their cases laid out ahead (prepare_pack).
PREPARE_AHEAD = dt.timedelta(days=7)
# Cases just listed are laid out this long after the listing (prepare_soon), not at beat's next round
# up to 10 minutes later: a coordinator lists cases one after another, so one message per meeting
# per interval lays out all of them.
PREPARE_AFTER_LISTING = 60  # seconds
Kind = PrintedDocument.Kind
Status = PrintedDocument.Status


@dataclass(frozen=True)
class Source:
    """What a document is laid out from: its template and context, and who is in it (for access records)."""

    template: str
    context: dict[str, Any]
    filename: str
    patients_and_cases: list[tuple[int, int | None]]  # (patient id, case id or None)
    # What the document shows that changes with time alone, as of now: the clocks' states. Part of
    # the digest, so a clock turning "at risk" or "breached" rebuilds the document at once.
    live: str = ""
    # A tagged PDF (core.pdf.render_html): the patient's letter and the information sheet.
    tagged: bool = False
    # Builds the PDF from the context (with `now`) instead of laying out the template's HTML whole:
    # the agenda pack, each case of which is kept once laid out (mdt.pdf).
    assemble: Callable[[dict[str, Any]], tuple[bytes, int]] | None = None


def _agenda(meeting_id: int, page_url: str, now: dt.datetime | None = None) -> Source:
    """The pack with its clocks shown at `now` (default: now); `live` their states at the real now."""
    real_now = timezone.now()
    agenda = meeting_agenda(meeting_id=meeting_id, now=now or real_now)
    day = timezone.localtime(agenda.meeting.starts_at)
    states = [
        f"{block.item.case_id}:{clock.target.key}:{clock.state}"
        for block in agenda.blocks
        for clock in case_clocks(block.item.case, real_now)
    ]
    return Source(
        "pdf/agenda.html",
        {"agenda": agenda, "meeting": agenda.meeting, "page_url": page_url},
        f"mdt-agenda-{day:%Y-%m-%d}.pdf",
        [(block.item.case.patient_id, block.item.case_id) for block in agenda.blocks],
        live=";".join(states),
        assemble=pack_pdf,
    )


def _outcomes(meeting_id: int, page_url: str) -> Source:
    meeting = Meeting.objects.select_related("chair__user").get(pk=meeting_id)
    current = decisions_for_display().exclude(status=Decision.Status.SUPERSEDED)
    items = list(
        meeting.items.order_by("position", "id")
        .select_related("case__patient")
        .prefetch_related(Prefetch("decisions", queryset=current, to_attr="current_decisions"))
    )
    day = timezone.localtime(meeting.starts_at)
    return Source(
        "pdf/meeting_outcomes.html",
        {"meeting": meeting, "items": items},
        f"mdt-outcomes-{day:%Y-%m-%d}.pdf",
        [(item.case.patient_id, item.case_id) for item in items],
    )


def letter_context(decision: Decision) -> dict[str, Any]:
    """What the outcome letter prints: the decision, the patient, the sender's details and the date."""
    meeting = decision.agenda_item.meeting if decision.agenda_item else None
    service = {
        "name": settings.MDT_SERVICE_NAME,
        "address": settings.MDT_SERVICE_ADDRESS,
        "phone": settings.MDT_SERVICE_PHONE,
        "email": settings.MDT_SERVICE_EMAIL,
    }
    return {
        "decision": decision,
        "case": decision.case,
        "patient": decision.case.patient,
        "service": service,
        # Dated as the meeting that decided (or the urgent decision), not the day it is printed.
        "letter_date": meeting.starts_at if meeting else decision.decided_at,
    }


def _letter(decision_id: int, page_url: str) -> Source:
    decision = decisions_for_display().select_related("case__patient").get(pk=decision_id)
    return Source(
        "pdf/decision_letter.html",
        letter_context(decision),
        f"mdt-outcome-{decision.pk}.pdf",
        [(decision.case.patient_id, decision.case_id)],
    )


SOURCES: dict[str, Callable[[int, str], Source]] = {
    Kind.AGENDA: _agenda,
    Kind.OUTCOMES: _outcomes,
    Kind.LETTER: _letter,
}


def register_source(kind: str, make: Callable[[int, str], Source]) -> None:
    """A document of an app above this one (the patient's letter): built, kept and served as these are."""
    SOURCES[kind] = make


def source(kind: str, object_id: int, page_url: str = "") -> Source:
    """Raises the model's DoesNotExist for a missing meeting, decision or letter."""
    return SOURCES[kind](object_id, page_url)


def source_for_digest(kind: str, object_id: int, page_url: str = "") -> Source:
    """As `source`, with the agenda's clocks shown at the start of the current CACHE_WINDOW: the time
    left on a running clock changes every minute, which alone would make every request a new pack.
    The states (running, at risk, breached) are taken at the real now (Source.live)."""
    if kind != Kind.AGENDA:
        return source(kind, object_id, page_url)
    now = timezone.now()
    window_start = now - dt.timedelta(seconds=now.timestamp() % CACHE_WINDOW.total_seconds())
    return _agenda(object_id, page_url, now=window_start)


def html_of(doc: Source, *, now: dt.datetime | None) -> str:
    """The HTML laid out. `now` is the printed-at time; None when hashing, so the time alone
    never makes a document new (what it shows of the clocks still does)."""
    return render_to_string(doc.template, {**doc.context, "now": now})


def digest_of(html: str, live: str = "") -> str:
    return hashlib.sha256(f"{html}\n{live}".encode()).hexdigest()


def document_for(kind: str, object_id: int, doc: Source, page_url: str = "") -> PrintedDocument:
    """The document built from exactly these inputs: ready, or queued for the worker now."""
    digest = digest_of(html_of(doc, now=None), doc.live)
    document = PrintedDocument.objects.filter(kind=kind, object_id=object_id, digest=digest).first()
    created = False
    if document is None:
        try:
            with transaction.atomic():
                document = PrintedDocument.objects.create(
                    kind=kind, object_id=object_id, digest=digest, page_url=page_url
                )
                created = True
        except IntegrityError:  # two requests at once: the other one created it
            document = PrintedDocument.objects.get(kind=kind, object_id=object_id, digest=digest)
    if created or _stalled(document):
        if not created:
            PrintedDocument.objects.filter(pk=document.pk).update(
                status=Status.QUEUED, error="", requested_at=timezone.now(), started_at=None
            )
        enqueue(document.pk)
        document.refresh_from_db()  # a worker run eagerly (tests, development) has built it already
    return document


def _stalled(document: PrintedDocument) -> bool:
    """Failed, or its message or its worker lost (Redis restarted, the worker killed): ask again.
    A build still running past the task time limit has been stopped by Celery."""
    now = timezone.now()
    if document.status == Status.FAILED:
        return True
    if document.status == Status.QUEUED:
        return document.requested_at < now - dt.timedelta(seconds=settings.PRINT_REQUEUE_AFTER_SECONDS)
    if document.status == Status.BUILDING and document.started_at is not None:
        return document.started_at < now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    return False


def enqueue(document_id: int) -> None:
    from mdt.tasks import build_document  # the task module imports this one

    transaction.on_commit(lambda: build_document.delay(document_id))


def build(document_id: int) -> None:
    """Lay out the document and keep the PDF (the worker's side). A second build of a row already
    being built or ready does nothing, so a redelivered message is harmless."""
    claimed = PrintedDocument.objects.filter(pk=document_id, status=Status.QUEUED).update(
        status=Status.BUILDING, started_at=timezone.now()
    )
    if not claimed:
        return
    document = PrintedDocument.objects.get(pk=document_id)
    started = time.monotonic()
    try:
        doc = source(document.kind, document.object_id, document.page_url)
        if doc.assemble is not None:
            pdf, pages = doc.assemble(_printed_now(doc))
        else:
            pdf, pages = render_html(html_of(doc, now=timezone.now()), tagged=doc.tagged)
    except Exception as exc:
        log.error("document build failed: id=%s kind=%s error=%s", document.pk, document.kind, type(exc).__name__)
        PrintedDocument.objects.filter(pk=document_id).update(status=Status.FAILED, error=type(exc).__name__)
        return
    PrintedDocument.objects.filter(pk=document_id).update(
        status=Status.READY,
        pdf=pdf,
        pages=pages,
        built_at=timezone.now(),
        build_ms=round((time.monotonic() - started) * 1000),
    )
    # Older builds of the same document print what it no longer shows.
    PrintedDocument.objects.filter(kind=document.kind, object_id=document.object_id, status=Status.READY).exclude(
        pk=document_id
    ).delete()


def _printed_now(doc: Source) -> dict[str, Any]:
    """What a document assembled from its parts is built from: its context, printed now."""
    return {**doc.context, "now": timezone.now()}


def _preparing(now: dt.datetime) -> QuerySet[Meeting]:
    """The meetings whose packs are laid out ahead: not cancelled or concluded, not over, starting
    within PREPARE_AHEAD, with a case listed (a withdrawn one does not print)."""
    listed = AgendaItem.objects.filter(meeting=OuterRef("pk")).exclude(status=AgendaItem.Status.WITHDRAWN)
    return Meeting.objects.filter(
        status__in=[Meeting.Status.SCHEDULED, Meeting.Status.IN_PROGRESS],
        ends_at__gt=now,
        starts_at__lt=now + PREPARE_AHEAD,
    ).filter(Exists(listed))


def packs_to_prepare(now: dt.datetime | None = None) -> list[int]:
    """The ids of the meetings whose packs the worker lays out ahead, the soonest first."""
    return list(_preparing(now or timezone.now()).order_by("starts_at", "id").values_list("pk", flat=True))


def prepare_soon(meeting_id: int) -> None:
    """After cases are listed on a meeting (mdt.services.agenda): once the listing commits, have the worker
    lay out the pack's new cases PREPARE_AFTER_LISTING seconds later (prepare_pack, which does nothing for a
    meeting not prepared ahead), at most one message per meeting in that time from this process. The
    listing never waits on the broker: a message that cannot be sent is logged, and beat's next round
    prepares the pack."""
    from mdt.tasks import PREPARE_EXPIRES
    from mdt.tasks import prepare_pack as prepare_pack_task  # the task module imports this one

    on_its_way = f"mdt:prepare-soon:{meeting_id}"

    def send() -> None:
        if not cache.add(on_its_way, True, timeout=PREPARE_AFTER_LISTING):
            return  # one is on its way and will lay out this listing's cases too
        try:
            prepare_pack_task.apply_async(
                (meeting_id,),
                countdown=PREPARE_AFTER_LISTING,
                expires=PREPARE_AFTER_LISTING + PREPARE_EXPIRES,
                retry=False,
            )
        except KombuOperationalError as exc:
            cache.delete(on_its_way)  # the next listing tries again
            log.warning(
                "agenda pack not laid out ahead now: meeting=%s, the broker could not be reached (%s); "
                "beat's next round lays it out",
                meeting_id,
                exc,
            )

    transaction.on_commit(send, robust=True)


def prepare_pack(meeting_id: int) -> int:
    """Lay out ahead the cases of a meeting's pack not yet kept (mdt.pdf.prepare_sections), from the
    same source and context the worker's build uses, so the build finds them kept. Nothing for a
    meeting no longer prepared (deleted, cancelled, concluded or over since it was chosen). Returns
    how many cases were laid out."""
    if not _preparing(timezone.now()).filter(pk=meeting_id).exists():
        return 0
    try:
        doc = source(Kind.AGENDA, meeting_id)
    except Meeting.DoesNotExist:  # deleted since
        return 0
    laid_out = prepare_sections(_printed_now(doc))
    log.info("agenda pack prepared: meeting=%s cases_laid_out=%s", meeting_id, laid_out)
    return laid_out
