"""The printable agenda pack: a cover with the contents, then each case from a new page.

WeasyPrint renders the same data the agenda page shows (mdt.selectors.meeting_agenda), so the
PDF runs the same constant number of queries; core.pdf lays it out and refuses every fetch.

Laying out sixty cases takes seconds of CPU, and from one build to the next most cases print
exactly what they printed before. So each case is a document of its own (templates/pdf/
_agenda_section.html inside the pack's start and end), kept as a PrintedSection under the SHA-256
of its HTML: a build lays out only the cases whose HTML is new (all of them together, in one
WeasyPrint document cut at each case's first page), lays out the cover, and joins the PDFs with
pikepdf (qpdf). The worker lays out the sections of the next week's packs ahead
(`prepare_sections`, every 10 minutes: mdt.printing.prepare_pack), so a pack's first build usually
lays out its cover only. A case's HTML is everything its pages print, its number in the agenda and the
meeting included, so any change to what it prints is a new section; nothing else invalidates it.
The printed clocks show their due time and state, not the minutes left (`on_paper` in
cases/_case_scores.html), so a case's pages do not change with the time alone.
"""

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import layout, render_html
from mdt.models import PrintedSection
from mdt.selectors import Agenda

# A section not printed in any pack for this long is deleted by the next build.
SECTION_KEEP = dt.timedelta(days=7)
PACK_END = "</body>\n</html>\n"


@dataclass(frozen=True)
class Pack:
    pdf: bytes
    pages: int
    laid_out: int  # cases laid out by this build; the others were kept from an earlier one


def pack_context(agenda: Agenda, *, page_url: str, now: dt.datetime | None) -> dict[str, Any]:
    return {"agenda": agenda, "meeting": agenda.meeting, "page_url": page_url, "now": now}


def _sections(context: dict[str, Any]) -> tuple[str, list[str]]:
    """The document's start and each case's section, as HTML."""
    start = render_to_string("pdf/_pack_start.html", context)
    blocks = context["agenda"].blocks
    sections: list[str] = [
        render_to_string("pdf/_agenda_section.html", {**context, "block": block, "number": n, "count": len(blocks)})
        for n, block in enumerate(blocks, start=1)
    ]
    return start, sections


@dataclass(frozen=True)
class Kept:
    """A pack's case sections, every one of them kept: their digests in the agenda's order, and the rows."""

    start: str
    digests: list[str]
    sections: dict[str, PrintedSection]  # by digest; without their PDFs unless asked for
    laid_out: int  # sections this step laid out (the others were kept already)


def _keep(context: dict[str, Any], *, with_pdfs: bool) -> Kept:
    """Render the start and each case's section, lay out the sections whose digest is new (see the
    module), mark every section of this pack used now, and delete the ones no pack has used for
    SECTION_KEEP."""
    start, sections = _sections(context)
    digests = [hashlib.sha256(f"{start}{section}{PACK_END}".encode()).hexdigest() for section in sections]
    now = timezone.now()
    # Marked used first, so that no build deleting old sections at the same time takes one of these.
    PrintedSection.objects.filter(digest__in=set(digests)).update(used_at=now)
    rows = PrintedSection.objects.filter(digest__in=set(digests))
    kept = {row.digest: row for row in (rows if with_pdfs else rows.only("digest"))}
    new = {digest: section for digest, section in zip(digests, sections, strict=True) if digest not in kept}
    laid_out = _lay_out(start, new) if new else {}
    PrintedSection.objects.filter(used_at__lt=now - SECTION_KEEP).delete()
    return Kept(start, digests, {**kept, **laid_out}, len(laid_out))


def prepare_sections(context: dict[str, Any]) -> int:
    """Lay out ahead the case sections of a pack not yet kept, without assembling it (the worker,
    before anyone asks for the pack: mdt.printing.prepare_pack); returns how many were laid out.
    The pack's build then lays out its cover and whatever changed since."""
    return _keep(context, with_pdfs=False).laid_out


def assemble_pack(context: dict[str, Any]) -> Pack:
    """The pack's PDF: each case's pages kept or laid out (_keep), the cover laid out now, joined in
    the agenda's order."""
    import pikepdf

    kept = _keep(context, with_pdfs=True)

    cover = render_to_string("pdf/_agenda_cover.html", context)
    cover_pdf, _ = render_html(f"{kept.start}{cover}{PACK_END}")
    pack = pikepdf.Pdf.open(io.BytesIO(cover_pdf))
    opened = [pikepdf.Pdf.open(io.BytesIO(bytes(kept.sections[digest].pdf))) for digest in kept.digests]
    for section in opened:
        pack.pages.extend(section.pages)
    out = io.BytesIO()
    pack.save(out)
    return Pack(out.getvalue(), len(pack.pages), kept.laid_out)


def _lay_out(start: str, new: dict[str, str]) -> dict[str, PrintedSection]:
    """Lay out the new sections in one document and write it once, then cut the PDF at each section's
    first page (its anchor `pack-case-N`) and keep each section's pages as a PDF of its own."""
    import pikepdf

    document = layout(f"{start}{''.join(new.values())}{PACK_END}")
    first_page: dict[str, int] = {}  # a section's anchor is on each of its pages: the first one counts
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("pack-case-"):
                first_page.setdefault(anchor, number)
    first_pages = sorted(first_page.values())
    assert len(first_pages) == len(new), "every section starts a page"
    ends = [*first_pages[1:], len(document.pages)]
    whole = document.write_pdf()
    assert whole is not None
    laid_out = pikepdf.Pdf.open(io.BytesIO(whole))
    rows = []
    for digest, first, end in zip(new, first_pages, ends, strict=True):
        part = pikepdf.Pdf.new()
        part.pages.extend(laid_out.pages[first:end])
        out = io.BytesIO()
        part.save(out)
        rows.append(PrintedSection(digest=digest, pdf=out.getvalue(), pages=end - first))
    # Two builds at once may lay out the same section: the first one kept wins, both are the same.
    PrintedSection.objects.bulk_create(rows, ignore_conflicts=True)
    return {row.digest: row for row in rows}


def pack_pdf(context: dict[str, Any]) -> tuple[bytes, int]:
    """mdt.printing's builder for the agenda pack: the PDF and its number of pages."""
    pack = assemble_pack(context)
    return pack.pdf, pack.pages


def agenda_pack(agenda: Agenda, *, page_url: str, now: dt.datetime | None = None) -> Pack:
    """The pack as the worker builds it, printed at `now` (default: now)."""
    return assemble_pack(pack_context(agenda, page_url=page_url, now=now or timezone.now()))
