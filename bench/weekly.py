"""Every page a person opens in a week, through the full request path, at the size of the database.

Each page is requested with Django's test Client, signed in as the role that opens it: every
middleware, URL resolution, the view, the template. The reference is the case page, measured in
the same run: the target is each page within 3x of it (issue: fast where people wait). The agenda
pack is served from the built PDF here (it is built once first, by the worker's code); building it
is measured on its own, against the agenda page.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.harness import Comparison, measure, vacuum
from cases.models import Case, Patient
from mdt import agenda_facts, printing
from mdt.models import Decision, Meeting, PrintedDocument, PrintedSection
from reports import monthly
from reports.models import ClockInputChange, StoredDay, StoredMonth


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _get(client: Client, url: str, status: int = 200) -> None:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)


def ids() -> dict[str, Any]:
    meeting = Meeting.objects.filter(status=Meeting.Status.SCHEDULED).order_by("-starts_at").first()
    past = Meeting.objects.filter(status=Meeting.Status.CONCLUDED).order_by("-starts_at").first()
    assert meeting is not None and past is not None, "seed_scale makes meetings"
    item = meeting.items.order_by("position").first()
    assert item is not None
    patient = Patient.objects.filter(mrn="SC0001234").first() or Patient.objects.order_by("id").first()
    assert patient is not None and patient.nhs_number
    decision = Decision.objects.filter(agenda_item__meeting=past).order_by("id").first()
    assert decision is not None
    return {
        "case": item.case_id,
        "patient": patient.pk,
        "mrn": patient.mrn,
        "nhs": patient.nhs_number,
        "meeting": meeting.pk,
        "past_meeting": past.pk,
        "decision": decision.pk,
        "open_case": Case.objects.open().order_by("-referred_at").values_list("pk", flat=True).first(),
    }


def pages(known: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Page name -> (the role's user, URL). The first is the reference."""
    return {
        "case page (reference)": ("bench-oncologist", reverse("case-detail", args=[known["case"]])),
        "dashboard, clinician": ("bench-oncologist", reverse("dashboard")),
        "dashboard, MSCC coordinator": ("bench-mscc_coordinator", reverse("dashboard")),
        "reports, last 12 months": ("bench-mscc_coordinator", reverse("report") + "?period=last_12_months"),
        "agenda page, clinician": ("bench-oncologist", reverse("meeting-detail", args=[known["meeting"]])),
        "agenda page, coordinator": ("bench-mdt_coordinator", reverse("meeting-detail", args=[known["meeting"]])),
        "patient page": ("bench-oncologist", reverse("patient-detail", args=[known["patient"]])),
        "patient search: surname prefix": ("bench-oncologist", reverse("patient-list") + "?q=smi"),
        "patient search: NHS number": ("bench-oncologist", reverse("patient-list") + f"?q={known['nhs']}"),
        "patient search: MRN": ("bench-oncologist", reverse("patient-list") + f"?q={known['mrn']}"),
        "MRI review worklist": ("bench-radiologist", reverse("scans-pending-review")),
        "workspace: patients, surname": ("bench-mdt_coordinator", "/admin/cases/patient/?q=smi"),
        "workspace: patients, NHS number": ("bench-mdt_coordinator", f"/admin/cases/patient/?q={known['nhs']}"),
        "workspace: cases, MRN": ("bench-mdt_coordinator", f"/admin/cases/case/?q={known['mrn']}"),
        "follow-ups": ("bench-oncologist", reverse("follow-up-list")),
        "meetings list": ("bench-mdt_coordinator", reverse("meeting-list")),
        "standard of care, last meeting": (
            "bench-oncologist",
            reverse("live:standard-of-care", args=[known["past_meeting"]]),
        ),
        # The next meeting, opened by a lead clinician before it: every row with no other responsible
        # clinician is theirs to list, so the page lays out one form per row (60 at L).
        "standard of care, next meeting, every row editable": (
            "bench-oncologist",
            reverse("live:standard-of-care", args=[known["meeting"]]),
        ),
        "agenda pack PDF (built)": ("bench-oncologist", reverse("meeting-pdf", args=[known["meeting"]])),
        "outcome letter PDF (built)": ("bench-oncologist", reverse("decision-letter", args=[known["decision"]])),
    }


def build_documents(clients: dict[str, Client], urls: dict[str, tuple[str, str]]) -> list[str]:
    """Build the PDFs the pages serve, with the worker's code run here (nothing is published to a broker
    another worker could take); returns a line on each build's cost. Nothing is built or deleted when
    no PDF page is measured."""
    lines: list[str] = []
    if not any("PDF" in name for name in urls):
        return lines
    PrintedDocument.objects.all().delete()  # the benchmark database's: builds left by earlier runs
    for name, (username, url) in urls.items():
        if "PDF" in name:
            clients[username].get(url)
    for document in PrintedDocument.objects.filter(status=PrintedDocument.Status.READY).order_by("kind"):
        lines.append(
            f"{document.get_kind_display()}: built by the worker's code in {document.build_ms} ms, "
            f"{document.pages} pages."
        )
    return lines


def chosen(urls: dict[str, tuple[str, str]], only: list[str]) -> dict[str, tuple[str, str]]:
    """The reference page and the pages whose name contains one of `only` (all when `only` is empty)."""
    reference = next(iter(urls))
    return {name: url for name, url in urls.items() if name == reference or not only or any(w in name for w in only)}


def weekly(repeats: int, only: list[str] | None = None) -> tuple[Comparison, list[str]]:
    # The worker's code runs here when a PDF must be (re)built (the pack's clocks entering a new
    # 15-minute window mid-run): nothing is published to a broker another worker could take.
    printing.enqueue = printing.build
    urls = chosen(pages(ids()), only or [])
    clients = {username: client_for(username) for username, _ in urls.values()}
    lines = build_documents(clients, urls)
    # The audit's closed months as the periodic task keeps them (reports.monthly): stored once, as beat would.
    stored = monthly.refresh()
    vacuum(StoredMonth._meta.db_table, StoredDay._meta.db_table, ClockInputChange._meta.db_table)
    lines.append(
        f"Audit: {stored.months} closed months and {stored.days} settled days stored, "
        f"{stored.changes} logged changes cleared."
    )
    candidates: dict[str, Callable[[], None]] = {
        name: functools.partial(_get, clients[username], url) for name, (username, url) in urls.items()
    }
    return Comparison("Weekly pages (full request path)", measure(candidates, repeats=repeats)), lines


def pack_layout(repeats: int) -> list[Comparison]:
    """The agenda pack's build (the worker's work: HTML, layout, PDF) against the agenda page in HTML,
    like for like: each with what it keeps from earlier requests (the page its cases' shared facts,
    mdt.agenda_facts; the pack each case's laid-out pages, mdt.pdf), and each with nothing kept.
    A pack's first build usually finds its cases laid out ahead by the worker (mdt.printing.prepare_pack,
    every 10 minutes for the next week's meetings): measured after mdt.pdf.prepare_sections."""
    from mdt import pdf as mdt_pdf

    known = ids()
    client = client_for("bench-oncologist")
    page = reverse("meeting-detail", args=[known["meeting"]])
    cases = Meeting.objects.get(pk=known["meeting"]).items.count()
    turn = {"next": 0}

    def build() -> None:
        source = printing.source(PrintedDocument.Kind.AGENDA, known["meeting"], "http://bench/")
        assert source.assemble is not None
        source.assemble({**source.context, "now": timezone.now()})

    def prepare() -> None:
        """Untimed: what the worker does ahead (mdt.printing.prepare_pack), every case's section kept."""
        source = printing.source(PrintedDocument.Kind.AGENDA, known["meeting"], "http://bench/")
        mdt_pdf.prepare_sections({**source.context, "now": timezone.now()})

    def one_case_changed() -> None:
        """What a rebuild costs after an edit to one case: that case's section laid out again."""
        sections = list(PrintedSection.objects.order_by("digest").values_list("pk", flat=True))
        if sections:
            PrintedSection.objects.filter(pk=sections[turn["next"] % len(sections)]).delete()
            turn["next"] += 1
        build()

    def first_build() -> None:
        PrintedSection.objects.all().delete()
        build()

    def first_view() -> None:
        agenda_facts.forget_all()
        _get(client, page)

    warm = measure(
        {
            "agenda page (HTML, full request)": lambda: _get(client, page),
            # The pack's first build after the worker laid out its cases ahead: the cover laid out, the cases joined.
            "agenda pack, first build, its cases prepared by the worker": build,
            "agenda pack, one case changed": one_case_changed,
        },
        repeats=repeats,
        warmup=1,
        setup={"agenda pack, first build, its cases prepared by the worker": prepare},
    )
    cold = measure(
        {"agenda page, nothing kept (first view)": first_view, "agenda pack, nothing kept (first build)": first_build},
        repeats=max(3, repeats // 2),
        warmup=1,
    )
    return [
        Comparison(f"Agenda pack, {cases} cases, against its page", warm),
        Comparison(f"Agenda pack, {cases} cases, first build against first view", cold),
    ]
