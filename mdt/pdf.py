"""The printable agenda pack: a cover page, then one block per patient, each starting a new page.

WeasyPrint renders the same data the agenda page shows (mdt.selectors.meeting_agenda), so the
PDF runs the same constant number of queries; core.pdf lays it out and refuses every fetch.
"""

from typing import TYPE_CHECKING

from core.pdf import render_document
from mdt.selectors import Agenda

if TYPE_CHECKING:
    import weasyprint


def render_agenda(agenda: Agenda, *, page_url: str) -> "weasyprint.Document":
    """The laid-out pack (its `pages` can be counted)."""
    return render_document("pdf/agenda.html", {"agenda": agenda, "meeting": agenda.meeting, "page_url": page_url})


def agenda_pdf(agenda: Agenda, *, page_url: str) -> bytes:
    pdf = render_agenda(agenda, page_url=page_url).write_pdf()
    assert pdf is not None
    return pdf
